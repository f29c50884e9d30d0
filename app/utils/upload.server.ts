import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { badRequest } from "./http.server";

/**
 * The fields and file of an upload form. A part over `maxPartSize` comes back
 * as "too-large" for the form to say so next to its field; a body that is not
 * readable multipart (cut short, a broken boundary, a header the parser
 * refuses) is a 400 with `malformedMessage`, never a 500.
 */
export async function readUploadForm(request: Request, maxPartSize: number, malformedMessage: string): Promise<FormData | "too-large"> {
  try {
    return await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize }));
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return "too-large";
    return badRequest(malformedMessage);
  }
}
