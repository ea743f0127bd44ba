// Types for unicode-confusables, which ships none (its own file is misnamed index.ts.d).
declare module 'unicode-confusables' {
  export function isConfusing(s: string): boolean;
  export function confusables(s: string): { point: string; similarTo?: string }[];
  /** Each code point replaced by its UTS #39 prototype; zero-width characters removed. */
  export function rectifyConfusion(s: string): string;
}
