/** The sheets labels are printed on: A4 sheets of 3×8 (70×37 mm) or 2×5 (105×57 mm) labels, or a 50×30 mm label printer, one label a page. */
export const LABEL_LAYOUTS = ['a4-3x8', 'a4-2x5', '50x30'] as const;
export type LabelLayout = (typeof LABEL_LAYOUTS)[number];
