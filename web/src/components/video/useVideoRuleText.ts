import { useI18n } from 'vue-i18n';

/** Labels the detectors commonly give (COCO names) that have a translation; rules may name any other too. */
const knownLabels = ['person', 'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'dining table', 'chair', 'umbrella'];

/** Video rules in words: object labels in the current language, dwell in minutes. */
export function useVideoRuleText() {
  const { t, te } = useI18n();
  const labelText = (value: string) => (te(`video.labels.${value}`) ? t(`video.labels.${value}`) : value);
  const dwellText = (seconds: number) => (seconds === 0 ? t('video.rules.atOnce') : seconds % 60 === 0 ? t('video.rules.dwellMinutes', { n: seconds / 60 }) : t('video.rules.dwellSeconds', { n: seconds }));
  return { knownLabels, labelText, dwellText };
}
