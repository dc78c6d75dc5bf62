import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from './client';

describe('command errors', () => {
  it('keeps the core payload, fields included', () => {
    const error = toApiError({ code: 'validation', message: 'bad', fields: [{ field: 'x', code: 'required', limit: null }] });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.payload.code).toBe('validation');
    expect(error.payload.fields).toHaveLength(1);
  });

  it('turns anything else into an internal error with its text', () => {
    const error = toApiError('invalid args `query` for command');
    expect(error.payload).toEqual({ code: 'internal', message: 'invalid args `query` for command', fields: [], limit: null });
  });
});
