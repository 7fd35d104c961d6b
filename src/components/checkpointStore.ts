// The browser's shelf for checkpoints: IndexedDB holds bytes of any size across visits.
const DB = "dm-clip-lab";
const STORE = "checkpoints";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`IndexedDB could not open: ${request.error?.message}`));
  });
}

async function transact<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error(`IndexedDB: ${request.error?.message}`));
    });
  } finally {
    db.close();
  }
}

export function saveCheckpointBytes(name: string, bytes: Uint8Array): Promise<IDBValidKey> {
  return transact("readwrite", (store) => store.put(bytes, name));
}

export async function loadCheckpointBytes(name: string): Promise<Uint8Array | null> {
  const value = await transact<unknown>("readonly", (store) => store.get(name));
  return value instanceof Uint8Array ? value : null;
}

/** Offers `bytes` as a file download. */
export function download(name: string, bytes: Uint8Array | string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], {type}));
  const a = Object.assign(document.createElement("a"), {href: url, download: name});
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
