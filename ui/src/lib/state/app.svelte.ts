// App-wide UI state: which view is open, which customer is selected, the
// customer being edited, and short-lived notices.
import type { AppInfo, AvailableUpdate, Customer, CustomerQuery, Purchase, Settings, Touchpoint } from '../api/bindings';

export type View = 'today' | 'customers' | 'dashboard' | 'greetings' | 'settings';
export type CustomerTab = 'timeline' | 'profile' | 'referrals' | 'stages';

/** The quick log: a new touchpoint (for a customer, if one is chosen) or an edit. */
export type QuickLog = { customerId: number | null; touchpoint: Touchpoint | null };
/** The purchase dialog: a new purchase for a customer, or an edit. */
export type PurchaseEdit = { customerId: number; purchase: Purchase | null };

export type Editing = { mode: 'new' } | { mode: 'edit'; customer: Customer };

/** What an export may cover: the list as filtered now, and the customer open. */
export type ExportScope = {
  query: CustomerQuery | null;
  listed: number;
  customerId: number | null;
  customerName: string;
};

export const app = $state<{
  view: View;
  info: AppInfo | null;
  settings: Settings | null;
  selectedId: number | null;
  editing: Editing | null;
  quickLog: QuickLog | null;
  purchase: PurchaseEdit | null;
  /** The customer whose visit brief is open. */
  briefId: number | null;
  customerTab: CustomerTab;
  /** Bumped after any change to customers, so lists and pages reload. */
  revision: number;
  /** Bumped when the store announces a change made elsewhere (a job, the
   * scheduler's new day), so the Today view reloads. */
  storeRevision: number;
  showShortcuts: boolean;
  /** Reminders overdue or due today, for the sidebar's badge. */
  dueCount: number;
  /** The import dialog is open. */
  importing: boolean;
  /** The export dialog, with what it may cover. */
  exporting: ExportScope | null;
  /** Today's first card takes focus when the view has next loaded (its shortcut). */
  focusCards: boolean;
  /** The recovery key dialog is open… */
  showingRecoveryKey: boolean;
  /** …showing this key, just made (else the one still to be confirmed). */
  newRecoveryKey: string | null;
  /** The Duplicates dialog is open. */
  findingDuplicates: boolean;
  /** A newer signed version the update server offers. */
  update: AvailableUpdate | null;
  /** The update dialog is open. */
  showingUpdate: boolean;
}>({
  view: 'today',
  info: null,
  settings: null,
  selectedId: null,
  editing: null,
  quickLog: null,
  purchase: null,
  briefId: null,
  customerTab: 'timeline',
  revision: 0,
  storeRevision: 0,
  showShortcuts: false,
  dueCount: 0,
  importing: false,
  exporting: null,
  focusCards: false,
  showingRecoveryKey: false,
  newRecoveryKey: null,
  findingDuplicates: false,
  update: null,
  showingUpdate: false,
});

/** Opens a customer's page (from a reminder or a notification). */
export function openCustomer(id: number): void {
  app.briefId = null;
  app.view = 'customers';
  app.selectedId = id;
  app.customerTab = 'timeline';
}

export function customersChanged(): void {
  app.revision += 1;
}

/** A button on a notice, such as "Undo" after a deletion. */
export type ToastAction = { label: string; run: () => void | Promise<void> };
export type Toast = { id: number; text: string; tone: 'info' | 'error'; action: ToastAction | null };

export const toasts = $state<{ items: Toast[] }>({ items: [] });
let nextToast = 1;

export function dismissToast(id: number): void {
  toasts.items = toasts.items.filter((toast) => toast.id !== id);
}

export function notify(text: string, tone: Toast['tone'] = 'info', action: ToastAction | null = null): void {
  const id = nextToast++;
  toasts.items.push({ id, text, tone, action });
  // Notices with an action stay long enough to reach the button.
  setTimeout(() => dismissToast(id), action !== null ? 8000 : tone === 'error' ? 7000 : 3500);
}
