// Framework's standard library, as seen from imported modules (pages get these as globals).
declare module "observablehq:stdlib" {
  export interface FileAttachmentObject {
    readonly href: string;
    readonly name: string;
    url(): Promise<string>;
    arrayBuffer(): Promise<ArrayBuffer>;
    text(): Promise<string>;
    json(): Promise<unknown>;
  }
  export function FileAttachment(name: string): FileAttachmentObject;
}

// htl ships no types; its tagged templates return DOM nodes.
declare module "htl" {
  export function html(strings: TemplateStringsArray, ...values: unknown[]): HTMLElement;
  export function svg(strings: TemplateStringsArray, ...values: unknown[]): SVGElement;
}
