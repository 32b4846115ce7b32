// GCJ-02 → WGS-84. Reference pair from the widely used eviltransform test
// suite (googollee/eviltransform, MIT): WGS-84 (31.1774276, 121.5272106) in
// Shanghai is GCJ-02 (31.17530398364597, 121.531541859215). The forward
// direction is checked against that pair; the inverse must land back on the
// WGS-84 point far inside GPS accuracy.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from '../../src/core/geo/gcj02.js';
import { haversineMeters } from '../../src/core/geo/haversine.js';

describe('GCJ-02', () => {
  it('forward transform matches the published reference pair', () => {
    const g = wgs84ToGcj02(31.1774276, 121.5272106);
    expect(g.lat).toBeCloseTo(31.17530398364597, 9);
    expect(g.lon).toBeCloseTo(121.531541859215, 9);
  });

  it('inverse returns the WGS-84 point of the reference pair within 1 cm', () => {
    const w = gcj02ToWgs84(31.17530398364597, 121.531541859215);
    expect(haversineMeters(w.lat, w.lon, 31.1774276, 121.5272106)).toBeLessThan(0.01);
  });

  it('the offset is hundreds of metres in China, so the correction matters', () => {
    const g = wgs84ToGcj02(39.9042, 116.4074);
    const d = haversineMeters(g.lat, g.lon, 39.9042, 116.4074);
    expect(d).toBeGreaterThan(100);
    expect(d).toBeLessThan(1000);
  });

  it('leaves points outside China unchanged', () => {
    expect(outOfChina(50.6, 3.2)).toBe(true);
    expect(gcj02ToWgs84(50.61465833, 3.242065)).toEqual({ lat: 50.61465833, lon: 3.242065 });
  });

  it('round-trips anywhere in mainland China within 1 cm (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 18.2, max: 53.5, noNaN: true }),
        fc.double({ min: 73.7, max: 134.7, noNaN: true }),
        (lat, lon) => {
          const g = wgs84ToGcj02(lat, lon);
          const back = gcj02ToWgs84(g.lat, g.lon);
          return haversineMeters(back.lat, back.lon, lat, lon) < 0.01;
        },
      ),
    );
  });
});
