// Run by fixtures.ts in a child process: renders test images whose text goes through Pango. The argument is a
// JSON list of [renderer name, ...its arguments]; stdout is a JSON list of the images, base64.
import { newsletterPage } from '../server/testkit/pages';
import { renderText } from '../server/testkit/renderText';

const RENDERERS = {
  text: (lines: string[], fontSize: number) => renderText({ lines, fontSize }),
  newsletter: (rotate: 0 | 90 | 180 | 270) => newsletterPage(rotate),
};

export type RenderRequest = { [R in keyof typeof RENDERERS]: [R, ...Parameters<(typeof RENDERERS)[R]>] }[keyof typeof RENDERERS];

const images: string[] = [];
for (const [name, ...args] of JSON.parse(process.argv[2] ?? '[]') as RenderRequest[]) {
  const render = RENDERERS[name] as (...a: unknown[]) => Promise<Buffer>;
  images.push((await render(...args)).toString('base64'));
}
process.stdout.write(JSON.stringify(images));
