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
  /** Renders at the container's width, again whenever it changes. */
  export function resize(render: (width: number, height: number) => Node | Promise<Node>): HTMLElement;
}

// htl ships no types; its tagged templates return DOM nodes.
declare module "htl" {
  export function html(strings: TemplateStringsArray, ...values: unknown[]): HTMLElement;
  export function svg(strings: TemplateStringsArray, ...values: unknown[]): SVGElement;
}

// Observable Inputs ships no types either: the part components use.
declare module "@observablehq/inputs" {
  export interface TableOptions {
    layout?: "auto" | "fixed";
    select?: boolean;
    /** Each column's values have their own type, so a formatter takes whatever its column holds. */
    format?: Record<string, (value: never) => string | Node>;
  }
  export function table(data: readonly object[], options?: TableOptions): HTMLElement;
}
