import { nextTick, reactive } from 'vue';
import { ApiError } from '../api/http';

/**
 * Server field errors (`fields[].field` is a JSON pointer such as `/username`) shown under the
 * matching form item via `<el-form-item :error="errors.username">`.
 */
export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({});

  function clear() {
    for (const key of Object.keys(errors)) delete errors[key];
  }

  async function apply(error: unknown) {
    clear();
    // Let the form items see the cleared value first, so the same message shows again on a retry.
    await nextTick();
    if (!(error instanceof ApiError)) return;
    for (const { field, message } of error.fields) {
      const name = field.replace(/^\//, '').split('/')[0] ?? '';
      if (name && !errors[name]) errors[name] = message;
    }
  }

  return { errors, clear, apply };
}
