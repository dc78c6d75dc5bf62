// Settings that change how the whole interface speaks.
import type { Settings } from '../api/bindings';
import { locale, systemLang } from '../../i18n/index.svelte';
import { app } from './app.svelte';

export function applySettings(settings: Settings): void {
  app.settings = settings;
  locale.lang = settings.language === 'system' ? systemLang() : settings.language;
  locale.japaneseEra = settings.japanese_era;
  document.documentElement.lang = locale.lang;
}
