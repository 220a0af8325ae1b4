// Input tensors of the OCR models, reused from image to image within a worker thread. A fresh Float32Array
// per image (megabytes for the detector) is garbage that lives until the collector runs, which made RSS swing
// by tens of megabytes from one hundred images to the next. runOcr runs one image at a time per thread, so
// each use (detector, classifier, recogniser) can own one buffer.
export class ScratchBuffer {
  private data = new Float32Array(0);

  /** `length` floats, zeroed when asked (inputs with padding); valid until the next take(). */
  take(length: number, zero = false): Float32Array {
    // A quarter to spare, so a slightly bigger image does not reallocate.
    if (this.data.length < length) this.data = new Float32Array(Math.ceil(length * 1.25));
    const view = this.data.subarray(0, length);
    if (zero) view.fill(0);
    return view;
  }
}
