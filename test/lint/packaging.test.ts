import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/paths.js';

interface BuilderConfig {
  appId?: string;
  productName?: string;
  icon?: string;
  directories?: { output?: string; buildResources?: string };
  files?: string[];
  asarUnpack?: string[];
  fileAssociations?: { ext?: string; name?: string; role?: string }[];
  linux?: { target?: string[] };
  mac?: { target?: string[] };
  win?: { target?: string[] };
}

/**
 * electron-builder's configuration, checked without the Electron download a real build needs: the
 * targets per platform, native binaries outside the asar, the .onnx association and the icon.
 */
describe('electron-builder configuration', () => {
  const config = parse(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main?: string; scripts: Record<string, string>; dependencies: Record<string, string> };

  it('builds AppImage and deb on Linux, dmg on macOS and nsis on Windows', () => {
    expect(config.linux?.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(pkg.scripts.dist).toMatch(/electron-builder/);
    expect(config.appId).toMatch(/^[\w.-]+$/);
  });

  it('unpacks the native modules the engine loads from the asar archive', () => {
    for (const native of ['onnxruntime-node', 'sharp', '@img']) {
      expect(config.asarUnpack?.some((p) => p.includes(`node_modules/${native}/`))).toBe(true);
      const dependency = native === '@img' ? 'sharp' : native;
      expect(pkg.dependencies[dependency]).toBeDefined();
    }
  });

  it('associates .onnx files, ships the built app and resources, and has an icon large enough for every platform', async () => {
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'onnx' })]);
    expect(config.files).toEqual(expect.arrayContaining(['dist/**/*', 'resources/**/*', 'package.json']));
    expect(config.files).toContain('!dist/test/**');
    const icon = path.join(repoRoot, config.icon!);
    expect(existsSync(icon)).toBe(true);
    const { default: sharp } = await import('sharp');
    const meta = await sharp(icon).metadata();
    expect(meta.width).toBeGreaterThanOrEqual(512);
    expect(meta.height).toBe(meta.width);
    expect(pkg.main).toBeDefined();
    expect(existsSync(path.join(repoRoot, pkg.main!.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  });
});
