/**
 * An aligned psql table pads every cell of a column to the widest one. When a
 * cell holds a sandbox path that the harness shows as `$BACKUP_DIR`, the
 * padding still comes from the real path, whose length differs between
 * sandboxes (`/tmp/runbooks-sandbox-Ab12Cd/backups` here, `/sandbox/backups`
 * in a container): the header's centring, the border's dashes and the other
 * rows' padding change, so one expected block could not pass on both.
 *
 * Such a table is compared modulo its padding. Re-aligning the table after
 * masking would look tidier but needs psql's layout rules for every format
 * (centred headers, right-aligned numbers, `+` continuation marks, wrapped
 * and expanded output, border 0-2, Unicode lines), and a case it got wrong
 * would fail a correct page; dropping the padding needs none of them. Only
 * padding is dropped: whitespace around column separators and at line
 * starts, and the length of border runs. Every character of content is still
 * compared, and only for output whose table holds a masked path; any other
 * output is compared as written.
 */
import { PLACEHOLDER } from '../execute/placeholders.ts';

/**
 * A column separator is padded on both sides (or starts or ends the line, with
 * border 2; or follows a multi-line cell's `+`): `a|b` in a cell is content.
 */
const SEPARATOR = /(?:^|[ \t]+|(?<=\+))([|│┃║])(?:[ \t]+|$)/g;
/** A border: `----+----`, `+---+`, `───┼───`, or an expanded record's `-[ RECORD 1 ]-+---`. */
const BORDER = /^\s*(?:[-─━═]\[ RECORD \d+ \])?[-─━═+┼┬┴├┤┌┐└┘╋╪╬╔╗╚╝╠╣╦╩]*$/;
const HAS_RULE = /[-─━═]{2}|\[ RECORD \d+ \]/;
const FOOTER = /^\(\d+ rows?\)$/;

function isBorder(line: string): boolean {
  return BORDER.test(line) && HAS_RULE.test(line);
}

/** Whether a masked path sits in an aligned table (its header or rows), where padding depends on the real path. */
export function hasMaskedTable(text: string): boolean {
  const lines = text.split('\n');
  let inTable = false;
  for (const [i, line] of lines.entries()) {
    if (isBorder(line)) {
      if (PLACEHOLDER.test(lines[i - 1] ?? '')) return true;
      inTable = true;
    } else if (line.trim() === '' || FOOTER.test(line.trim())) {
      inTable = false;
    } else if (inTable && PLACEHOLDER.test(line)) {
      return true;
    }
  }
  return false;
}

/** Each line without its table padding; `text` already normalised (no trailing spaces). */
export function withoutTablePadding(text: string): string {
  return text.split('\n').map((line) => {
    if (isBorder(line)) return line.trim().replace(/([-─━═])\1+/g, '$1');
    return line
      .replace(SEPARATOR, ' $1 ')
      // A multi-line cell's `+` mark sits at the column's edge, after the padding.
      .replace(/[ \t]+\+(?= [|│┃║]|$)/g, '+')
      .trim();
  }).join('\n');
}
