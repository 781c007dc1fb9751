import { Locale } from 'vant';
import enUS from 'vant/es/locale/lang/en-US';
import zhCN from 'vant/es/locale/lang/zh-CN';
import type { Locale as AppLocale } from '../../i18n';
// Only the styles of the Vant components the resident pages use: the admin pages load none of this.
import 'vant/es/button/style/index';
import 'vant/es/cell/style/index';
import 'vant/es/cell-group/style/index';
import 'vant/es/config-provider/style/index';
import 'vant/es/empty/style/index';
import 'vant/es/field/style/index';
import 'vant/es/icon/style/index';
import 'vant/es/popup/style/index';
import 'vant/es/step/style/index';
import 'vant/es/steps/style/index';
import 'vant/es/tabbar/style/index';
import 'vant/es/tabbar-item/style/index';
import 'vant/es/toast/style/index';
import 'vant/es/uploader/style/index';

export {
  Button as VanButton,
  Cell as VanCell,
  CellGroup as VanCellGroup,
  ConfigProvider as VanConfigProvider,
  Empty as VanEmpty,
  Field as VanField,
  Icon as VanIcon,
  Popup as VanPopup,
  Step as VanStep,
  Steps as VanSteps,
  Tabbar as VanTabbar,
  TabbarItem as VanTabbarItem,
  Uploader as VanUploader,
  showFailToast,
  showSuccessToast,
  showToast,
} from 'vant';
export type { UploaderFileListItem } from 'vant';

/** Vant's own texts (the uploader's "uploading…", dialogs) follow the page language. */
export function applyVantLocale(locale: AppLocale) {
  if (locale === 'en') Locale.use('en-US', enUS);
  else Locale.use('zh-CN', zhCN);
}
