import { ElMessageBox } from 'element-plus';
import { i18n } from '../i18n';

/** Asks before an action that is hard to undo; true when the person confirmed, false when they backed out. */
export async function confirmed(message: string, title: string, type: 'warning' | 'info' | 'success' = 'warning'): Promise<boolean> {
  const { t } = i18n.global;
  try {
    await ElMessageBox.confirm(message, title, { type, confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel') });
    return true;
  } catch {
    return false;
  }
}
