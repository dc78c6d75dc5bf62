import { describe, expect, it, beforeEach } from 'vitest';
import { render } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import Field from './Field.svelte';
import StageBadge from './StageBadge.svelte';
import { locale } from '../i18n/index.svelte';

const input = createRawSnippet(() => ({ render: () => '<input type="text" name="email" />' }));

describe('form field', () => {
  beforeEach(() => {
    locale.lang = 'ja';
  });

  it('shows the core error beside the field, translated', () => {
    const { container } = render(Field, {
      props: { label: 'メール', error: { field: 'emails.0.address', code: 'invalid_email', limit: null }, children: input },
    });
    expect(container.querySelector('.field-error')?.textContent).toBe('メールアドレスの形式が正しくありません');
    expect(container.querySelector('label')?.classList.contains('invalid')).toBe(true);
  });

  it('shows the hint when there is no error', () => {
    const { container } = render(Field, { props: { label: 'x', hint: '空欄なら「様」', children: input } });
    expect(container.querySelector('.field-error')).toBeNull();
    expect(container.querySelector('.hint')?.textContent).toBe('空欄なら「様」');
  });
});

describe('stage badge', () => {
  it('names the stage in the current language', () => {
    locale.lang = 'ja';
    const { container } = render(StageBadge, { props: { stage: 'advocate' } });
    expect(container.textContent?.trim()).toBe('代弁者');
  });
});
