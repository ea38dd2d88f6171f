import type { Category, Jurisdiction, TitleLevel } from '../../schemas/common.js';

/** One synthetic course per line: enough hours, split the way each bureau's floors are written. */
export interface CourseProfile {
  category: Category;
  hours: number;
  title: string;
}

/** Courses that together meet the jurisdiction's floors for intermediate-and-above titles. */
export const COURSE_PROFILES: Record<Jurisdiction, CourseProfile[]> = {
  // ZZ-1: professional >= 60, public >= 26.
  zhengzhou: [
    { category: 'public', hours: 26, title: '公需科目：专业技术人员创新能力' },
    { category: 'professional', hours: 30, title: '专业科目：新技术进展（上）' },
    { category: 'professional', hours: 30, title: '专业科目：新技术进展（下）' },
  ],
  // SZ-1: public 24, professional 48.
  suzhou: [
    { category: 'public', hours: 24, title: '公共知识：法治与诚信' },
    { category: 'professional', hours: 24, title: '专业知识：行业标准解读' },
    { category: 'professional', hours: 24, title: '专业知识：工程实践案例' },
  ],
  // SC-1: >= 90, professional >= 60.
  sichuan: [
    { category: 'public', hours: 30, title: '公需科目：数字经济' },
    { category: 'professional', hours: 30, title: '专业科目：前沿技术研修班' },
    { category: 'professional', hours: 30, title: '专业科目：学术会议与讲座' },
  ],
  // ST-1/ST-2: one public subject of 20, professional >= 42, elective >= 12.
  shantou: [
    { category: 'public', hours: 20, title: '粤东西北地区振兴战略' },
    { category: 'professional', hours: 21, title: '自控力科学' },
    { category: 'professional', hours: 21, title: '专业技术人员团队合作能力与创新团队建设' },
    { category: 'elective', hours: 12, title: '潮汕文化解读' },
  ],
  // FZ-1/FZ-2: >= 72, public counted up to 24.
  fuzhou: [
    { category: 'public', hours: 24, title: '公需科目：专业技术人员职业道德' },
    { category: 'professional', hours: 24, title: '专业科目：研修班（一）' },
    { category: 'professional', hours: 24, title: '专业科目：研修班（二）' },
  ],
};

/** Area codes for synthetic ID numbers (city prefixes of the five jurisdictions). */
export const AREA_CODES: Record<Jurisdiction, string> = {
  zhengzhou: '410102',
  suzhou: '320502',
  sichuan: '510104',
  shantou: '440507',
  fuzhou: '350102',
};

export const TITLE_MIX: { level: TitleLevel; share: number }[] = [
  { level: 'junior', share: 0.3 },
  { level: 'intermediate', share: 0.5 },
  { level: 'deputy-senior', share: 0.15 },
  { level: 'senior', share: 0.05 },
];
