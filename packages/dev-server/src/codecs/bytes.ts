/**
 * Whether `value` is a `Uint8Array` (a `Buffer` included) from any realm.
 * DOM test environments such as jsdom install their window's typed arrays as
 * the globals, while Node's `Buffer` and `ws` make bytes in Node's realm:
 * `instanceof Uint8Array` would throw every frame's `data` away there.
 */
export function isBytes(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === "[object Uint8Array]";
}
