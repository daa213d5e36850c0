/** Vite's `?url` import: the address of the file as built. */
declare module '*?url' {
  const url: string;
  export default url;
}
