// cli-table3 ships no types for its utils module; strlen is the display width it lays tables out with
// (ANSI colour codes ignored, East Asian wide characters counted as two).
declare module 'cli-table3/src/utils.js' {
  const utils: { strlen(text: string): number };
  export default utils;
}
