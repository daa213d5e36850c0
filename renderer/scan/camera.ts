import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

interface DetectedBarcode { rawValue: string }
interface BarcodeDetectorLike { detect(source: CanvasImageSource): Promise<DetectedBarcode[]> }
declare global {
  interface Window {
    BarcodeDetector?: { new (o: { formats: string[] }): BarcodeDetectorLike; getSupportedFormats(): Promise<string[]> };
  }
}

// The decoder's .wasm is served by our own server: these networks reach no CDN.
prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, location.href).href : prefix + path) } });

/** Reads QR codes and Code128 from a video frame: the browser's BarcodeDetector where it has both, else the bundled zxing decoder. */
export async function frameReader(): Promise<(video: HTMLVideoElement) => Promise<string[]>> {
  const native = window.BarcodeDetector;
  if (native) {
    const formats = await native.getSupportedFormats().catch(() => [] as string[]);
    if (formats.includes('qr_code') && formats.includes('code_128')) {
      const detector = new native({ formats: ['qr_code', 'code_128'] });
      return async (video) => (await detector.detect(video)).map((b) => b.rawValue);
    }
  }
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  return async (video) => {
    if (!video.videoWidth) return [];
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    g.drawImage(video, 0, 0);
    const results = await readBarcodes(g.getImageData(0, 0, canvas.width, canvas.height), { formats: ['QRCode', 'Code128'], tryHarder: true, maxNumberOfSymbols: 1 });
    return results.filter((r) => r.isValid && r.text).map((r) => r.text);
  };
}
