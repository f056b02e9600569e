// Renders resources/build/icon.svg to the 1024 px PNG electron-builder turns into each platform's icon.
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'build');
await sharp(path.join(dir, 'icon.svg')).resize(1024, 1024).png().toFile(path.join(dir, 'icon.png'));
console.log('wrote resources/build/icon.png');
