import { columnLetter, type Problem } from '../lib/problems';

export const MAX_PROBLEMS = 1000;

/** Gathers problems up to a cap, counting the ones past it. */
export class ProblemList {
  readonly items: Problem[] = [];
  dropped = 0;
  constructor(private readonly file: string) {}

  add(p: Omit<Problem, 'file'>): void {
    if (this.items.length < MAX_PROBLEMS) this.items.push({ file: this.file, ...p });
    else this.dropped++;
  }

  at(sheet: string, row0: number, col0: number | undefined, field: string | undefined, message: string): void {
    this.add({ sheet, row: row0 + 1, column: col0 === undefined ? undefined : columnLetter(col0), field, message });
  }

  get empty(): boolean {
    return this.items.length === 0;
  }

  /** The list, with a closing line when some were left out. */
  all(): Problem[] {
    return this.dropped ? [...this.items, { file: this.file, message: `另有 ${this.dropped} 个问题未列出;请先修正以上问题` }] : this.items;
  }
}
