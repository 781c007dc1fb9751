import { nextTick, reactive } from 'vue';
import { ApiError } from '../api/http';

/**
 * Server field errors (`fields[].field` is a JSON pointer such as `/username`) shown under the
 * matching form item via `<el-form-item :error="errors.username">`. With `nested`, the key is the whole
 * pointer (`levels/0/value`), for forms that show errors under the rows of a list.
 */
export function useFieldErrors({ nested = false } = {}) {
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
      const path = field.replace(/^\//, '');
      const name = nested ? path : (path.split('/')[0] ?? '');
      if (name && !errors[name]) errors[name] = message;
    }
  }

  return { errors, clear, apply };
}
