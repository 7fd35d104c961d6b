import {createServer} from "node:http";
import type {AddressInfo} from "node:net";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {fetchBytes, urlReader} from "../../../src/lib/data/fetchBytes.js";

let base = "";
const server = createServer((req, res) => (req.url === "/a.bin" ? res.writeHead(200).end(Buffer.from([1, 2, 3])) : res.writeHead(404, "Not Found").end("<html>not here</html>")));
beforeAll(async () => {
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe("fetchBytes", () => {
  it("returns the body's bytes", async () => {
    expect(Array.from(await fetchBytes(`${base}/a.bin`))).toEqual([1, 2, 3]);
  });

  it("refuses an error page instead of handing it on as data, naming the URL and the status", async () => {
    await expect(fetchBytes(`${base}/gone.bin`)).rejects.toThrow(`${base}/gone.bin: HTTP 404 Not Found`);
  });
});

describe("urlReader", () => {
  it("reads files by name, and names a file the site does not list", async () => {
    const read = urlReader({"a.bin": `${base}/a.bin`});
    expect(Array.from(await read("a.bin"))).toEqual([1, 2, 3]);
    await expect(read("b.bin")).rejects.toThrow("b.bin: the site lists no URL for it");
    await expect(read("constructor")).rejects.toThrow("constructor: the site lists no URL for it");
  });
});
