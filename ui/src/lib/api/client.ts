// The one typed wrapper over Tauri's invoke: every command's arguments and
// result are typed from the generated bindings, and every failure arrives as
// an ApiError carrying the core's { code, message, fields }.
import { invoke } from '@tauri-apps/api/core';
import type {
  AddressListSummary,
  PrintLayout,
  CampaignSummary,
  CampaignView,
  NewCampaign,
  AppInfo,
  AvailableUpdate,
  DuplicateList,
  MergeOutcome,
  ConnectRequest,
  DavDiscovery,
  SyncLogEntry,
  SyncReport,
  MergePreview,
  MergeRequest,
  BackupContents,
  BackupInfo,
  ColumnMapping,
  CsvPreset,
  ExportFormat,
  ImportFile,
  ImportOptions,
  ImportPreview,
  ImportSummary,
  RestoreReport,
  RestoredCounts,
  TextEncoding,
  Customer,
  CustomerPage,
  CustomerProfile,
  CustomerQuery,
  SimilarCustomer,
  SimilarQuery,
  TemplatePreview,
  Dashboard,
  DashboardQuery,
  DraftLanguage,
  ErrorPayload,
  FollowUpPlan,
  LoggedTouchpoint,
  Promise as KeptPromise,
  PromotionRule,
  PromotionSuggestion,
  Purchase,
  PurchaseInput,
  RecordedPurchase,
  ReferralStatus,
  ReferralSummary,
  ReminderAction,
  Settings,
  Stage,
  StageChange,
  TagCount,
  Timeline,
  TimelineKind,
  TodayView,
  Touchpoint,
  TouchpointInput,
  Undo,
  VisitBrief,
} from './bindings';

/** What to export, and where (the shell's ExportRequest). */
export type ExportRequest = {
  path: string;
  format: ExportFormat;
  ids: number[] | null;
  query: CustomerQuery | null;
  language: DraftLanguage;
};
export type Exported = { path: string; bytes: number };

export class ApiError extends Error {
  readonly payload: ErrorPayload;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'ApiError';
    this.payload = payload;
  }
}

function isPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    'message' in value &&
    typeof (value as { code: unknown }).code === 'string'
  );
}

/** Anything thrown by invoke, as an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isPayload(error)) return new ApiError({ ...error, fields: error.fields ?? [], limit: error.limit ?? null });
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError({ code: 'internal', message, fields: [], limit: null });
}

/** What a file dialog is for, and how it is labelled (in the user's language). */
export interface FileRequest {
  purpose: 'import' | 'restore' | 'export';
  title: string;
  filter_name: string;
  extensions: string[];
  suggested_name: string | null;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toApiError(error);
  }
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  openLogFolder: () => call<null>('open_log_folder'),
  openDemoBook: () => call<null>('open_demo_book'),
  openOwnBook: () => call<null>('open_own_book'),
  unlockWithPassphrase: (passphrase: string) => call<null>('unlock_with_passphrase', { passphrase }),
  choosePassphrase: (passphrase: string, repeated: string) => call<null>('choose_passphrase', { passphrase, repeated }),
  recoverWithKey: (recoveryKey: string, passphrase: string | null) =>
    call<null>('recover_with_key', { recoveryKey, passphrase }),
  pendingRecoveryKey: () => call<string | null>('pending_recovery_key'),
  confirmRecoveryKey: (typed: string) => call<null>('confirm_recovery_key', { typed }),
  changeRecoveryKey: () => call<string>('change_recovery_key'),
  /** Asks the update server now; null when this is the newest version. */
  checkForUpdate: () => call<AvailableUpdate | null>('check_for_update'),
  /** What the daily check found, if anything. */
  foundUpdate: () => call<AvailableUpdate | null>('found_update'),
  /** Downloads, verifies and installs the update found (progress on kizuna://update-progress). */
  installUpdate: () => call<null>('install_update'),
  restartApp: () => call<null>('restart_app'),
  /** A native file dialog opened by the shell; only what it returns can be read or written. */
  chooseFile: (request: FileRequest) => call<string | null>('choose_file', { request }),
  chooseBackupFolder: (title: string) => call<Settings>('choose_backup_folder', { title }),
  /** Possible duplicates in the whole book, as job `job` (progress on kizuna://progress). */
  findDuplicates: (job: number) => call<DuplicateList>('find_duplicates', { job }),
  /** "Not the same person": never offered again. */
  dismissDuplicate: (first: number, second: number) => call<null>('dismiss_duplicate', { first, second }),
  /** Signs in to a CardDAV/CalDAV server and lists its collections; keeps nothing. */
  testSyncServer: (server: string, user: string, password: string) =>
    call<DavDiscovery>('test_sync_server', { server, user, password }),
  /** Connects the server as chosen (the password to the keychain). */
  connectSyncAccount: (request: ConnectRequest) => call<Settings>('connect_sync_account', { request }),
  disconnectSyncAccount: () => call<Settings>('disconnect_sync_account'),
  /** Writes the customers changed since the last sync to the phone's address book. */
  /** Null when no server is connected. */
  syncNow: () => call<SyncReport | null>('sync_now'),
  syncLog: () => call<SyncLogEntry[]>('sync_log'),
  /** Two records side by side; `kept` is the one that stays. */
  mergePreview: (kept: number, other: number) => call<MergePreview>('merge_preview', { kept, other }),
  /** Merges `request.other` into `request.kept` (after a backup); undoable. */
  mergeCustomers: (request: MergeRequest) => call<MergeOutcome>('merge_customers', { request }),
  listCustomers: (query: CustomerQuery) => call<CustomerPage>('list_customers', { query }),
  customerPosition: (query: CustomerQuery, id: number) => call<number | null>('customer_position', { query, id }),
  getCustomer: (id: number) => call<Customer>('get_customer', { id }),
  similarCustomers: (query: SimilarQuery) => call<SimilarCustomer[]>('similar_customers', { query }),
  createCustomer: (profile: CustomerProfile) => call<Customer>('create_customer', { profile }),
  updateCustomer: (id: number, profile: CustomerProfile) =>
    call<Customer>('update_customer', { id, profile }),
  archiveCustomer: (id: number) => call<Customer>('archive_customer', { id }),
  restoreCustomer: (id: number) => call<Customer>('restore_customer', { id }),
  deleteCustomer: (id: number, deletePhoneCard: boolean) =>
    call<Undo>('delete_customer', { id, deletePhoneCard }),
  hasPhoneCard: (id: number) => call<boolean>('has_phone_card', { id }),
  campaigns: () => call<CampaignSummary[]>('campaigns'),
  openCampaign: (campaign: NewCampaign) => call<CampaignView>('open_campaign', { campaign }),
  campaign: (id: number) => call<CampaignView>('campaign', { id }),
  addToCampaign: (id: number, customerId: number) =>
    call<CampaignView>('add_to_campaign', { id, customerId }),
  removeFromCampaign: (id: number, customerId: number) =>
    call<CampaignView>('remove_from_campaign', { id, customerId }),
  markCardReceived: (id: number, customerId: number, on: string | null) =>
    call<CampaignView>('mark_card_received', { id, customerId, on }),
  markCampaignSent: (id: number) => call<Undo | null>('mark_campaign_sent', { id }),
  noteMourning: (customerId: number, year: number, notedOn: string, who: string) =>
    call<null>('note_mourning', { customerId, year, notedOn, who }),
  clearMourning: (customerId: number, year: number) =>
    call<null>('clear_mourning', { customerId, year }),
  proposeKanchuMimai: (id: number) => call<CampaignView>('propose_kanchu_mimai', { id }),
  exportCampaign: (id: number, path: string) =>
    call<AddressListSummary>('export_campaign', { id, path }),
  printToPdf: (path: string, layout: PrintLayout) => call<null>('print_to_pdf', { path, layout }),
  listTags: () => call<TagCount[]>('list_tags'),
  getSettings: () => call<Settings>('get_settings'),
  saveSettings: (settings: Settings) => call<Settings>('save_settings', { settings }),

  logTouchpoint: (input: TouchpointInput) => call<LoggedTouchpoint>('log_touchpoint', { input }),
  updateTouchpoint: (id: number, input: TouchpointInput) => call<Touchpoint>('update_touchpoint', { id, input }),
  deleteTouchpoint: (id: number) => call<Undo>('delete_touchpoint', { id }),
  addPromise: (customerId: number, title: string, dueOn: string, dueTime: string) =>
    call<KeptPromise>('add_promise', { customerId, title, dueOn, dueTime }),
  setPromiseDone: (id: number, done: boolean) => call<KeptPromise>('set_promise_done', { id, done }),
  deletePromise: (id: number) => call<Undo>('delete_promise', { id }),

  recordPurchase: (input: PurchaseInput) => call<RecordedPurchase>('record_purchase', { input }),
  updatePurchase: (id: number, input: PurchaseInput) => call<Purchase>('update_purchase', { id, input }),
  deletePurchase: (id: number) => call<Undo>('delete_purchase', { id }),

  timeline: (customerId: number, kinds: TimelineKind[]) => call<Timeline>('timeline', { customerId, kinds }),
  visitBrief: (customerId: number) => call<VisitBrief>('visit_brief', { customerId }),
  dashboard: (query: DashboardQuery) => call<Dashboard>('dashboard', { query }),

  stageHistory: (customerId: number) => call<StageChange[]>('stage_history', { customerId }),
  promotionSuggestion: (customerId: number) =>
    call<PromotionSuggestion | null>('promotion_suggestion', { customerId }),
  promotionSuggestions: () => call<PromotionSuggestion[]>('promotion_suggestions'),
  acceptPromotion: (customerId: number, rule: PromotionRule) =>
    call<StageChange>('accept_promotion', { customerId, rule }),
  dismissPromotion: (customerId: number, rule: PromotionRule) =>
    call<null>('dismiss_promotion', { customerId, rule }),
  changeStage: (customerId: number, stage: Stage, reason: string) =>
    call<StageChange>('change_stage', { customerId, stage, reason }),

  referrals: (customerId: number) => call<ReferralSummary>('referrals', { customerId }),
  setReferralStatus: (referredId: number, status: ReferralStatus) =>
    call<null>('set_referral_status', { referredId, status }),
  setReferralThanked: (referredId: number, thanked: boolean) =>
    call<null>('set_referral_thanked', { referredId, thanked }),

  /** With `atOnce`, a new day's view comes at once from the last agenda, marked `preparing`. */
  todayView: (language: DraftLanguage, atOnce: boolean, listed: number) =>
    call<TodayView>('today_view', { language, atOnce, listed }),
  dueCount: () => call<number>('due_count'),
  templatePreviews: (customer: number, language: DraftLanguage, templates: Record<string, string>) =>
    call<TemplatePreview[]>('template_previews', { customer, language, templates }),
  actOnReminder: (key: string, action: ReminderAction) => call<Undo>('act_on_reminder', { key, action }),
  undo: (undo: Undo) => call<null>('undo', { undo }),
  followUpPlans: () => call<FollowUpPlan[]>('follow_up_plans'),
  saveFollowUpPlan: (plan: FollowUpPlan) => call<FollowUpPlan>('save_follow_up_plan', { plan }),
  deleteFollowUpPlan: (id: number) => call<null>('delete_follow_up_plan', { id }),
  openContactLink: (url: string) => call<null>('open_contact_link', { url }),

  inspectImport: (path: string, encoding: TextEncoding, language: DraftLanguage) =>
    call<ImportFile>('inspect_import', { path, encoding, language }),
  /** The import dialog closed: the shell lets the file's bytes go. */
  closeImport: () => call<null>('close_import'),
  mapColumns: (preset: CsvPreset, headers: string[], language: DraftLanguage) =>
    call<ColumnMapping[]>('map_columns', { preset, headers, language }),
  previewImport: (job: number, path: string, options: ImportOptions) =>
    call<ImportPreview>('preview_import', { job, path, options }),
  applyImport: (job: number) => call<ImportSummary>('apply_import', { job }),
  cancelJob: (job: number) => call<null>('cancel_job', { job }),
  exportCustomers: (job: number, request: ExportRequest) =>
    call<Exported>('export_customers', { job, request }),
  listBackups: () => call<BackupInfo[]>('list_backups'),
  backupNow: () => call<BackupInfo>('backup_now'),
  inspectBackup: (path: string) => call<BackupContents>('inspect_backup', { path }),
  restoreBackup: (path: string) => call<RestoreReport>('restore_backup', { path }),
  restoreSnapshot: (job: number, path: string) => call<RestoredCounts>('restore_snapshot', { job, path }),
};
