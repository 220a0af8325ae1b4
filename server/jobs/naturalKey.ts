// Sort key for natural order of paths (page-2 before page-10): each run of digits becomes its length, as
// three digits, then the digits without leading zeros, so a plain binary string compare orders numbers by value.
// Registered as an SQL function so paging (ORDER BY … LIMIT/OFFSET) stays in the database.

export function naturalKey(path: string): string {
  return path.replace(/\d+/g, (run) => {
    const digits = run.replace(/^0+(?=\d)/, '');
    return String(digits.length).padStart(3, '0') + digits;
  });
}
