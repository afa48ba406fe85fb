/**
 * The build's source map as a lookup: wasm byte offset -> the source
 * location of the instruction there. Binaryen writes one segment each time
 * the location changes, at the offset of the first instruction with the new
 * location, and a one-field segment where instructions with no location begin;
 * a location holds until the next segment.
 */
import { decodeVlq } from "../compiler/trap-locations.js";

/**
 * @typedef {object} OffsetMap
 * @property {string[]} sources
 * @property {Int32Array} offsets   sorted segment offsets
 * @property {Int32Array} source    source index per segment (-1: no location)
 * @property {Int32Array} line      1-based
 * @property {Int32Array} column    1-based
 */

/**
 * @param {string} sourceMapJson
 * @returns {OffsetMap}
 */
export function readOffsetMap(sourceMapJson) {
  const map = JSON.parse(sourceMapJson);
  const offsets = [], source = [], line = [], column = [];
  let offset = 0, src = 0, l = 0, c = 0;
  for (const segment of String(map.mappings ?? "").split(/[,;]/)) {
    if (!segment) continue;
    const f = decodeVlq(segment);
    offset += f[0];
    if (f.length >= 4) {
      src += f[1];
      l += f[2];
      c += f[3];
      push(offset, src, l + 1, c + 1);
    } else {
      push(offset, -1, 0, 0);
    }
  }
  return {
    sources: map.sources ?? [],
    offsets: Int32Array.from(offsets),
    source: Int32Array.from(source),
    line: Int32Array.from(line),
    column: Int32Array.from(column),
  };

  /** @param {number} o @param {number} s @param {number} ln @param {number} col */
  function push(o, s, ln, col) {
    // Two segments at one offset: the later one wins.
    if (offsets.length && offsets[offsets.length - 1] === o) {
      source[source.length - 1] = s; line[line.length - 1] = ln; column[column.length - 1] = col;
      return;
    }
    offsets.push(o); source.push(s); line.push(ln); column.push(col);
  }
}

/**
 * The segment in force at `offset`, or -1 before the first one.
 * @param {OffsetMap} map
 * @param {number} offset
 */
export function segmentAt(map, offset) {
  const o = map.offsets;
  let lo = 0, hi = o.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (o[mid] <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
