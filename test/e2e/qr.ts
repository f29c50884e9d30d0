import jsQR from "jsqr";
import type { Page } from "playwright-core";
import { expect } from "vitest";

/**
 * What the QR code on a lecturer's check-in screen says, read from the pixels the screen shows:
 * the code's screenshot decoded in the page into RGBA, then read as a QR code.
 */
export async function qrOnScreen(page: Page): Promise<string> {
  const png = (await page.locator(".check-in-qr svg").screenshot()).toString("base64");
  const image = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, data: Array.from(data) };
  }, png);
  const read = jsQR(Uint8ClampedArray.from(image.data), image.width, image.height)?.data;
  expect(read, "a QR code on the lecturer's screen").toBeTruthy();
  return read!;
}
