import type { Product, Products } from '../load-products';
import { badRequest, unknownProduct, UploadRefused } from '../refusals';
import { validateFields, type ReceivedField, type ReleaseFields } from './validate-fields';

/**
 * Stage 3 (validate fields): the fields against SPEC, the product against the
 * products file (404 when unknown), the product's required fields, and no
 * value holding the shared secret (it is never stored). Every problem at
 * once, as one 400; throws UploadRefused.
 */
export function checkUploadFields(
  received: ReceivedField[],
  opts: { products: Products | undefined; secret: string },
): { fields: ReleaseFields; product: Product | undefined } {
  const first = validateFields(received, undefined);
  if (first.fields && opts.products && !opts.products[first.fields.product]) {
    throw new UploadRefused(unknownProduct(first.fields.product));
  }
  const product = first.fields ? opts.products?.[first.fields.product] : undefined;
  const { fields, problems } = product ? validateFields(received, product) : first;
  for (const [name, value] of fields?.metadata ?? []) {
    if (value.includes(opts.secret)) {
      problems.push({ field: name, problem: 'contains the shared secret, which is never stored' });
    }
  }
  if (!fields || problems.length > 0) throw new UploadRefused(badRequest('invalid fields', problems));
  return { fields, product };
}
