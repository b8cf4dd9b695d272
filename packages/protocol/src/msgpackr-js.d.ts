// Types of msgpackr's documented JS-only build (`msgpackr/index-no-eval`, same API and version as
// `msgpackr`, without the native string extractor); the package ships no declaration for it.
declare module 'msgpackr/index-no-eval' {
  export { Packr, Unpackr } from 'msgpackr';
}
