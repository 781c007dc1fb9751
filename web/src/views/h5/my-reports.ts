/**
 * "我的上报": the reports made on this phone, kept in the browser (the resident has no account). The
 * follow token is the only key to a report's progress, so it is kept with the code.
 */
export interface MyReport {
  code: string;
  token: string;
  category: string;
  at: string;
}

const key = 'gongzhi.h5.reports';
const keep = 30;

export function myReports(): MyReport[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(value) ? (value as MyReport[]).filter((r) => typeof r?.code === 'string' && typeof r?.token === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberReport(report: MyReport) {
  const others = myReports().filter((r) => r.code !== report.code);
  localStorage.setItem(key, JSON.stringify([report, ...others].slice(0, keep)));
}

/** The progress page of a report, as a link the resident can keep. */
export const trackLink = (r: Pick<MyReport, 'code' | 'token'>) => `/h5/track?code=${encodeURIComponent(r.code)}&token=${encodeURIComponent(r.token)}`;
