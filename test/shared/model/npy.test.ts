import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../../shared/model/npy.js';
import { tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

describe('.npy reader', () => {
  it('reads what numpy writes', () => {
    const dir = tempDir();
    runPython(
      `import numpy as np, sys
np.save(sys.argv[1] + '/f.npy', np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 2)
np.save(sys.argv[1] + '/i.npy', np.array([[-1, 2**40]], dtype=np.int64))
np.save(sys.argv[1] + '/b.npy', np.array([True, False]))`,
      [dir],
    );
    const f = parseNpy(readFileSync(path.join(dir, 'f.npy')));
    expect(f.dtype).toBe('float32');
    expect(f.shape).toEqual([2, 3, 4]);
    expect(Array.from(f.data as Float32Array).slice(0, 3)).toEqual([0, 0.5, 1]);
    const i = parseNpy(readFileSync(path.join(dir, 'i.npy')));
    expect(Array.from(i.data as BigInt64Array)).toEqual([-1n, 2n ** 40n]);
    expect(parseNpy(readFileSync(path.join(dir, 'b.npy'))).shape).toEqual([2]);
  });

  it('explains files it cannot read', () => {
    expect(() => parseNpy(new TextEncoder().encode('not numpy at all'))).toThrow(/magic bytes/);
    const dir = tempDir();
    runPython(`import numpy as np, sys\nnp.save(sys.argv[1] + '/c.npy', np.zeros(3, dtype=np.complex64))`, [dir]);
    expect(() => parseNpy(readFileSync(path.join(dir, 'c.npy')))).toThrow(/dtype '<c8' is not supported/);
    runPython(`import numpy as np, sys\nnp.save(sys.argv[1] + '/f.npy', np.zeros(100, dtype=np.float32))`, [dir]);
    writeFileSync(path.join(dir, 'cut.npy'), readFileSync(path.join(dir, 'f.npy')).subarray(0, 200));
    expect(() => parseNpy(readFileSync(path.join(dir, 'cut.npy')))).toThrow(/fewer bytes than its shape \(100\) needs/);
  });
});
