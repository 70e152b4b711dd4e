/** The part of fontkit (pdfkit's font reader) used to name the fonts in a collection. */
declare module 'fontkit' {
  interface FontkitFont {
    postscriptName: string;
  }
  interface FontkitCollection {
    type: 'TTC' | 'DFont';
    fonts: FontkitFont[];
  }
  export function openSync(path: string): FontkitFont | FontkitCollection;
}
