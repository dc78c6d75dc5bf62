import { beforeEach, describe, expect, it } from 'vitest';
import { errorText } from './errors';
import { locale } from '../i18n/index.svelte';

describe('a file an import refused', () => {
  beforeEach(() => {
    locale.lang = 'ja';
  });

  it('says the size limit as a size', () => {
    expect(errorText({ code: 'file_too_large', message: 'the file is …', fields: [], limit: 268_435_456 })).toBe(
      'ファイルが大きすぎます。取り込めるのは256 MBまでのファイルです。',
    );
    locale.lang = 'en';
    expect(errorText({ code: 'file_too_large', message: '', fields: [], limit: 268_435_456 })).toBe(
      'The file is too large: files up to 256 MB can be imported.',
    );
  });

  it('says how many columns a sheet may have', () => {
    locale.lang = 'en';
    expect(errorText({ code: 'too_many_columns', message: '', fields: [], limit: 600 })).toBe(
      'The sheet has too many columns (at most 600). Check that it is a contact list, and its separator and encoding.',
    );
  });

  it('asks for a file when given a folder or a device', () => {
    expect(errorText({ code: 'not_a_file', message: '/dev/zero', fields: [], limit: null })).toBe(
      'ファイルではないため読み込めません。フォルダーや装置ではなく、ファイルを選んでください。',
    );
  });
});

describe('an update that was refused', () => {
  it('says why, and that the installed version keeps working', () => {
    locale.lang = 'ja';
    const signature = errorText({ code: 'update_signature', message: 'minisign: …', fields: [], limit: null });
    expect(signature).toContain('署名と一致しません');
    expect(signature).toContain('今のバージョンはそのまま使えます');
    locale.lang = 'en';
    expect(errorText({ code: 'update_unreachable', message: 'connect error', fields: [], limit: null })).toBe(
      'The update server could not be reached. Are you online? Nothing was changed.',
    );
    expect(errorText({ code: 'update_not_an_update', message: 'decode', fields: [], limit: null })).toContain(
      'did not answer with an update',
    );
  });
});
