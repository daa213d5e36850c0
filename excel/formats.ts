/**
 * The file formats the importer reads and the choices a user has for a text file, without the
 * code that reads them (the page shows these names; the parse worker does the reading).
 */
export const FILE_FORMATS = ['xlsx', 'xlsm', 'xlsb', 'xls', 'et', 'ods', 'html', 'csv'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const FORMAT_LABELS: Record<FileFormat, string> = {
  xlsx: 'Excel 工作簿(.xlsx)',
  xlsm: 'Excel 启用宏的工作簿(.xlsm)',
  xlsb: 'Excel 二进制工作簿(.xlsb)',
  xls: 'Excel 97-2003 工作簿(.xls)',
  et: 'WPS 表格(.et)',
  ods: 'OpenDocument 电子表格(.ods)',
  // What a system's "export to Excel" often is: a web page's table, saved as .xls.
  html: '网页表格(.xls)',
  csv: '文本文件(CSV/TXT)',
};

/** The encodings a text file may be read in: what Chinese offices' systems write, and Western Excel's for files from abroad. */
export const TEXT_ENCODINGS = ['utf-8', 'gb18030', 'big5', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export const ENCODING_LABELS: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  gb18030: 'GBK/GB18030(简体中文)',
  big5: 'Big5(繁体中文)',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252(西文)',
};

export const DELIMITERS = ['comma', 'tab', 'semicolon'] as const;
export type Delimiter = (typeof DELIMITERS)[number];
export const DELIMITER_CHARS: Record<Delimiter, string> = { comma: ',', tab: '\t', semicolon: ';' };
export const DELIMITER_LABELS: Record<Delimiter, string> = { comma: '逗号', tab: '制表符', semicolon: '分号' };

/** How a text file was read: detected, or as the user chose. */
export interface TextReading {
  encoding: TextEncoding;
  delimiter: Delimiter;
  /** False when the bytes fit no encoding well enough to trust: the user must confirm one before importing. */
  certain: boolean;
}

/** The extensions the file dialogs offer (content decides the format, never the name). */
export const SPREADSHEET_EXTENSIONS = ['xlsx', 'xlsm', 'xlsb', 'xls', 'et', 'ett', 'ods', 'csv', 'txt', 'tsv'] as const;

/** The file's name without any of those extensions. */
export function baseName(file: string): string {
  return file.replace(new RegExp(`\\.(${SPREADSHEET_EXTENSIONS.join('|')})$`, 'i'), '');
}
