import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { countRecords, gbkShape, guessDelimiter, guessEncoding } from '../../excel/text';

const gbk = (s: string) => iconv.encode(s, 'gbk');

describe('telling how a text file is written', () => {
  it('takes a byte-order mark at its word, and valid UTF-8 as UTF-8', () => {
    expect(guessEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ encoding: 'utf-8', certain: true });
    expect(guessEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]))).toEqual({ encoding: 'utf-16le', certain: true });
    expect(guessEncoding(Buffer.from([0xfe, 0xff, 0, 0x41]))).toEqual({ encoding: 'utf-16be', certain: true });
    expect(guessEncoding(Buffer.from('资产编号,设备名称\n'))).toEqual({ encoding: 'utf-8', certain: true });
    expect(guessEncoding(Buffer.from('a,b\n1,2\n'))).toEqual({ encoding: 'utf-8', certain: true });
  });

  it('knows GBK by its shape: sure of a ledger, unsure of a few characters', () => {
    const ledger = gbk('资产编号,设备名称,规格型号,购置日期,金额(元),使用状态\r\nA-1,执法记录仪,DSJ-V8,2020年5月,3500,在用\r\nA-2,无人机,M300,2021/6/18,98000,待修\r\n');
    expect(guessEncoding(ledger)).toEqual({ encoding: 'gb18030', certain: true });
    expect(guessEncoding(gbk('编号,名称\n1,车\n'))).toEqual({ encoding: 'gb18030', certain: false });
    // A name outside GB2312 (堃) is still GBK.
    expect(gbkShape(gbk('张堃,执法记录仪'))).toEqual({ valid: true, chars: 7, common: 6 });
  });

  it('flags Western mojibake instead of reading it as fake Chinese', () => {
    // "Luts’k" double-encoded and saved as Mac Roman, as in Snipe-IT's sample.
    const mojibake = Buffer.concat([Buffer.from('Name,City\nA,Luts'), Buffer.from([0x89, 0xdb, 0xaa]), Buffer.from('k\nB,Tu'), Buffer.from([0x80, 0x8d]), Buffer.from('epi\n')]);
    expect(guessEncoding(mojibake)).toEqual({ encoding: 'windows-1252', certain: false });
    expect(guessEncoding(Buffer.from('Caf\xe9,cr\xe8me\n', 'latin1'))).toEqual({ encoding: 'windows-1252', certain: false });
  });

  it('knows UTF-16 without a BOM by its zero bytes, and says it is not sure', () => {
    expect(guessEncoding(iconv.encode('资产编号,状态\n1,在用\n', 'utf-16le'))).toEqual({ encoding: 'utf-16le', certain: false });
    expect(guessEncoding(iconv.encode('asset,status\n1,ok\n', 'utf-16le').swap16())).toEqual({ encoding: 'utf-16be', certain: false });
  });
});

describe('finding the delimiter', () => {
  it('picks the one whose count holds over the lines, not the most frequent', () => {
    expect(guessDelimiter('编号;名称;金额\n1;车;1,5\n2;记录仪,新;2,75\n')).toBe('semicolon');
    expect(guessDelimiter('编号\t名称\t备注\n1\t车\ta,b,c\n2\t仪\t\n')).toBe('tab');
    expect(guessDelimiter('编号,名称\n1,"车;船;飞机"\n2,"a;b"\n')).toBe('comma');
    expect(guessDelimiter('名称\n车\n')).toBe('comma');
  });

  it('counts records as a CSV reader does: quoted line breaks stay in their field', () => {
    expect(countRecords('a,b\r\n1,"x\r\ny"\r\n\r\n2,z', 'comma')).toEqual({ records: 4, fields: 7 });
    expect(countRecords('a,b\r1,2\r', 'comma')).toEqual({ records: 2, fields: 4 });
  });
});
