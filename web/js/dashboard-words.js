// dashboard-words.js — the dashboard's words, added to i18n.js's tables
// (imported before common.js, so the page's first applyWords sees them;
// kept apart so that the shared word list changes only by one import).
import { words } from './i18n.js';

Object.assign(words.en, {
  nav_dashboard: 'Vital statistics',
  dash_title: 'Vital statistics', dash_from: 'From (month)', dash_to: 'To (month)', dash_level: 'Areas',
  dash_province: 'Provinces', dash_district: 'Districts', dash_show: 'Show',
  dash_completeness: 'Completeness of birth registration',
  dash_comp_hint: 'Registered births divided by the births expected from the 2023 census population and an expected crude birth rate. Areas without a census figure have no completeness.',
  dash_comp_cap: 'Completeness by area (registered / expected births)',
  dash_timeliness: 'Timeliness of registration',
  dash_time_hint: 'Share of births registered within {days} days of the birth (the late-registration rule).',
  dash_time_cap: 'Births registered on time, by area',
  dash_monthly: 'Registered events by month', dash_month_cap: 'Registered births, deaths, marriages and divorces by month of the event',
  dash_area: 'Area', dash_births: 'Births', dash_expected: 'Expected births', dash_comp_col: 'Completeness',
  dash_b_time: 'Births on time', dash_d_time: 'Deaths on time', dash_deaths: 'Deaths',
  dash_marriages: 'Marriages', dash_divorces: 'Divorces', dash_month: 'Month',
  dash_csv: 'Download the report as CSV', dash_none: 'No figures for this period.',
  dash_loaded: 'Figures for {from} to {to}: {n} registered events.',
  dash_notes: 'Counted by the date of the event; only registered events. Population: {census}. Expected crude birth rate: {cbr} per 1,000 a year.',
  dash_bad_period: 'Choose a start and an end month, the end not before the start.',
  dash_na: 'not available', dash_for: 'planners, auditors and administrators',
});
Object.assign(words.ur, {
  nav_dashboard: 'اہم شماریات',
  dash_title: 'اہم شماریات (پیدائش، اموات، نکاح، طلاق)', dash_from: 'سے (مہینہ)', dash_to: 'تک (مہینہ)', dash_level: 'علاقے',
  dash_province: 'صوبے', dash_district: 'اضلاع', dash_show: 'دکھائیں',
  dash_completeness: 'پیدائش کے اندراج کی تکمیل',
  dash_comp_hint: 'درج شدہ پیدائشیں تقسیم متوقع پیدائشیں، جو ۲۰۲۳ کی مردم شماری کی آبادی اور متوقع خام شرحِ پیدائش سے نکلتی ہیں۔ جن علاقوں کی آبادی کا عدد نہیں، ان کی تکمیل نہیں دکھائی جاتی۔',
  dash_comp_cap: 'علاقہ وار تکمیل (درج شدہ / متوقع پیدائشیں)',
  dash_timeliness: 'اندراج کی بروقت شرح',
  dash_time_hint: 'پیدائش کے {days} دن کے اندر درج ہونے والی پیدائشوں کا تناسب (تاخیر سے اندراج کا قاعدہ)۔',
  dash_time_cap: 'بروقت درج شدہ پیدائشیں، علاقہ وار',
  dash_monthly: 'ماہانہ درج شدہ واقعات', dash_month_cap: 'واقعے کے مہینے کے مطابق درج شدہ پیدائشیں، اموات، نکاح اور طلاق',
  dash_area: 'علاقہ', dash_births: 'پیدائشیں', dash_expected: 'متوقع پیدائشیں', dash_comp_col: 'تکمیل',
  dash_b_time: 'بروقت پیدائشیں', dash_d_time: 'بروقت اموات', dash_deaths: 'اموات',
  dash_marriages: 'نکاح', dash_divorces: 'طلاق', dash_month: 'مہینہ',
  dash_csv: 'رپورٹ CSV میں ڈاؤن لوڈ کریں', dash_none: 'اس مدت کے کوئی اعداد نہیں۔',
  dash_loaded: '{from} سے {to} تک کے اعداد: {n} درج شدہ واقعات۔',
  dash_notes: 'واقعے کی تاریخ کے مطابق گنتی؛ صرف درج شدہ واقعات۔ آبادی: {census}۔ متوقع خام شرحِ پیدائش: {cbr} فی ہزار سالانہ۔',
  dash_bad_period: 'شروع اور آخر کا مہینہ چنیں؛ آخر شروع سے پہلے نہ ہو۔',
  dash_na: 'دستیاب نہیں', dash_for: 'منصوبہ سازوں، آڈیٹرز اور منتظمین',
});
