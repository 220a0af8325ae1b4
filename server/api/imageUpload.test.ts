// The upload forms a person sends by hand: the right field, a misnamed field, no file at all, raw bytes.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../contract/errors';
import { errorMiddleware } from './errorMiddleware';
import { imageBody, uploadedImage } from './imageUpload';

let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.post('/upload', ...imageBody(() => 1024), (req, res) => {
    const image = uploadedImage(req);
    res.json({ bytes: image.bytes.length, name: image.name });
  });
  app.use(errorMiddleware);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
});

afterAll(() => new Promise((r) => server.close(r)));

function form(field: string): FormData {
  const f = new FormData();
  f.append(field, new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'scan.png');
  return f;
}

describe('image uploads', () => {
  it('takes the file from the field "image"', async () => {
    const res = await fetch(url, { method: 'POST', body: form('image') });
    expect(await res.json()).toEqual({ bytes: 3, name: 'scan.png' });
  });

  it('says the field must be "image" when the file comes under another name', async () => {
    const res = await fetch(url, { method: 'POST', body: form('file') });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toEqual({
      code: 'missing_image',
      message: 'the image must be sent in the multipart field "image", not "file"',
    });
  });

  it('names the field when the form has no file at all', async () => {
    const f = new FormData();
    f.append('note', 'hello');
    const res = await fetch(url, { method: 'POST', body: f });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/multipart field "image"/);
  });
});
