// Bytes to text for the XML formats and format sniffing. Apart from the XML
// parser, so sniffing a file (and whatever imports the sniffer, such as the
// gzip check of backups) does not load the parser.
const decoder = new TextDecoder('utf-8', { fatal: false });

/** UTF-8, malformed bytes replaced, a leading byte-order mark dropped. */
export function bytesToText(bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
