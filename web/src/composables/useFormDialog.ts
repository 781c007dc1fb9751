import { reactive, ref, watch, type Ref } from 'vue';
import { ElMessage, type FormInstance } from 'element-plus';
import { useFieldErrors } from './useFieldErrors';

/**
 * The life of a create/edit dialog. Each time `open` turns on, the form is refilled from `fill()` and
 * old messages go. `submit(save, done)` checks the el-form's rules (when a `formRef` is given), runs `save`
 * with the button busy, closes the dialog and says `done` when it succeeded, and otherwise shows the
 * server's field errors under the matching `<el-form-item :error="errors.name">` (keyed as `useFieldErrors` says, `nested` too).
 * It answers whether it saved.
 */
export function useFormDialog<F extends object>(open: Ref<boolean>, fill: () => F, { formRef, nested }: { formRef?: Ref<FormInstance | undefined>; nested?: boolean } = {}) {
  const form = reactive(fill());
  const saving = ref(false);
  const { errors, clear, apply } = useFieldErrors({ nested });

  watch(open, (isOpen) => {
    if (!isOpen) return;
    clear();
    Object.assign(form, fill());
    formRef?.value?.clearValidate();
  });

  async function submit(save: () => Promise<unknown>, done?: string): Promise<boolean> {
    if (formRef?.value && !(await formRef.value.validate().catch(() => false))) return false;
    saving.value = true;
    try {
      await save();
      open.value = false;
      if (done) ElMessage.success(done);
      return true;
    } catch (error) {
      await apply(error);
      return false;
    } finally {
      saving.value = false;
    }
  }

  return { form, saving, errors, submit };
}
