// Generated from the Rust types in src-tauri/core by `kizuna-cli bindings`.
// Do not edit by hand: a test fails when this file is stale.

export type ErrorCode = "validation" | "not_found" | "newer_database" | "corrupt_database" | "storage" | "io" | "internal" | "cancelled" | "unreadable_file" | "not_kizuna_file" | "file_too_large" | "not_a_file" | "too_many_columns" | "reminder_gone" | "changed_since" | "undo_expired" | "mistyped_recovery_key" | "wrong_key" | "wrong_passphrase" | "keychain" | "path_not_granted" | "update_unreachable" | "update_not_an_update" | "update_signature" | "update_install_failed" | "merge_into_self" | "merge_archived" | "changed_since_shown" | "dav_bad_address" | "dav_no_such_server" | "dav_unreachable" | "dav_wrong_password" | "dav_certificate" | "dav_not_server" | "print_failed";

export type FieldErrorCode = "required" | "too_long" | "too_short" | "mismatch" | "not_kana" | "invalid_email" | "invalid_phone" | "invalid_postal_code" | "invalid_date" | "invalid_time" | "date_in_future" | "out_of_range" | "invalid_number" | "unknown_customer" | "self_referral" | "referral_cycle" | "duplicate" | "not_allowed" | "after_last_day" | "too_many";

export type FieldError = { field: string, code: FieldErrorCode, 
/**
 * The limit that was exceeded, for `too_long`, `out_of_range` and
 * `too_many`.
 */
limit: number | null, };

export type ErrorPayload = { code: ErrorCode, message: string, fields: Array<FieldError>, 
/**
 * The limit a file went over, for `file_too_large` (bytes) and
 * `too_many_columns`, so the message can say it.
 */
limit: number | null, };

export type PartialDate = { year: number | null, month: number, day: number, };

export type Stage = "prospect" | "customer" | "client" | "supporter" | "advocate" | "partner";

export type Source = "walk_in" | "referral" | "event" | "other";

export type ContactChannel = "any" | "phone" | "email" | "message" | "letter" | "visit";

export type ImportantDateKind = "anniversary" | "custom";

export type Phone = { 
/**
 * "携帯", "会社", "mobile"… free text.
 */
label: string, 
/**
 * Kept exactly as typed; matched by its digits.
 */
number: string, };

export type Email = { label: string, address: string, };

export type Address = { label: string, 
/**
 * 〒 postal code; Japanese codes are stored as `123-4567`.
 */
postal_code: string, 
/**
 * 都道府県 / state or province.
 */
region: string, 
/**
 * 市区町村 / city.
 */
locality: string, 
/**
 * 町名・番地 / street.
 */
street: string, 
/**
 * 建物名・部屋番号 / building, flat.
 */
extended: string, country: string, };

export type ImportantDate = { kind: ImportantDateKind, label: string, date: PartialDate, };

export type FamilyMember = { name: string, reading: string, 
/**
 * "妻", "長男", "daughter"… free text.
 */
relation: string, birthday: PartialDate | null, notes: string, };

export type Extra = { 
/**
 * The vCard property (`NICKNAME`, `X-ICQ`…) or the CSV column's header.
 */
name: string, value: string, };

export type CustomerProfile = { family_name: string, given_name: string, 
/**
 * Furigana of the family name, in kana.
 */
family_name_reading: string, given_name_reading: string, company: string, title: string, phones: Array<Phone>, emails: Array<Email>, addresses: Array<Address>, birthday: PartialDate | null, important_dates: Array<ImportantDate>, family_members: Array<FamilyMember>, likes: string, notes: string, 
/**
 * How and where we met.
 */
met_how: string, met_on: string | null, source: Source, 
/**
 * The customer who introduced this one.
 */
referred_by: number | null, preferred_channel: ContactChannel, do_not_contact: boolean, 
/**
 * No touch reminders before this day.
 */
quiet_until: string | null, 
/**
 * Keep-in-touch cadence in days; `null` follows the stage's default.
 */
cadence_days: number | null, 
/**
 * Honorific for drafts: 様, さん, 先生…, or Mr, Ms, Mx, Dr…; empty
 * means the language's default (様 in Japanese, the given name alone in
 * English) and [`NO_HONORIFIC`] none at all.
 */
honorific: string, 
/**
 * The language messages to this customer are written in. Left out
 * (`null`), it is proposed from the name: Latin letters only → English.
 */
message_language: DraftLanguage | null, 
/**
 * Something to ask about next time (話題), which keep-in-touch drafts
 * use: "the new shop", 「お嬢さんの受験」.
 */
topic: string, 
/**
 * Never written to the phone's address book (and the card there
 * removed at the next sync).
 */
keep_off_phone: boolean, tags: Array<string>, stage: Stage, 
/**
 * What an import brought that has no field here.
 */
extras: Array<Extra>, };

export type CustomerRef = { id: number, display_name: string, archived: boolean, };

export type Customer = { id: number, uid: string, display_name: string, display_reading: string, profile: CustomerProfile, referrer: CustomerRef | null, archived: boolean, 
/**
 * Unix seconds.
 */
archived_at: number | null, created_at: number, updated_at: number, };

export type CustomerRow = { id: number, display_name: string, display_reading: string, company: string, stage: Stage, tags: Array<string>, phone: string, email: string, archived: boolean, };

export type CustomerQuery = { text: string, stage: Stage | null, tag: string | null, 
/**
 * Show archived customers instead of active ones.
 */
archived: boolean, offset: number, limit: number, };

export type SimilarQuery = { family_name_reading: string, given_name_reading: string, phones: Array<string>, emails: Array<string>, 
/**
 * The customer being edited, who is not their own duplicate.
 */
exclude: number | null, };

export type SimilarCustomer = { id: number, display_name: string, display_reading: string, archived: boolean, reasons: Array<SimilarReason>, };

export type SimilarReason = "reading" | "phone" | "email";

export type CustomerPage = { 
/**
 * How many customers match, for the list's scroll height.
 */
total: number, offset: number, rows: Array<CustomerRow>, };

export type TagCount = { name: string, customers: number, };

export type Language = "system" | "ja" | "en";

export type CustomerizationGoal = "repeat" | "new_product" | "referral";

export type Settings = { language: Language, 
/**
 * An IANA zone such as `Asia/Tokyo`; empty follows the system.
 */
time_zone: string, 
/**
 * Show dates in the Japanese era (令和8年) instead of the Western year.
 */
japanese_era: boolean, 
/**
 * ISO 4217 code for new purchases; amounts are integer minor units.
 */
currency: string, goal: CustomerizationGoal, 
/**
 * Purchases within 12 months that suggest promoting to Client.
 */
client_purchase_threshold: number, 
/**
 * How much more a referral sale counts than a walk-in sale.
 */
referral_weight: number, 
/**
 * Walk-in new customers a month the business aims to stay under.
 */
walk_in_cap: number, 
/**
 * Desktop notifications for reminders as they fall due.
 */
notifications: boolean, 
/**
 * `HH:MM`: when the day's reminders fall due and are announced.
 */
reminder_time: string, 
/**
 * `HH:MM`–`HH:MM` without notifications (may cross midnight); equal
 * times mean no quiet hours.
 */
quiet_start: string, quiet_end: string, 
/**
 * Above this many reminders at once, one digest notification instead.
 */
digest_threshold: number, 
/**
 * Days ahead of a birthday or other date to remind (0: only on the day).
 */
date_lead_days: number, 
/**
 * Days after a birthday or other date that a missed greeting is still
 * offered, as a belated one; then it goes.
 */
belated_days: number, 
/**
 * Keep-in-touch cadence in days per ladder stage, prospect first;
 * 0 turns it off for that stage.
 */
cadence_days: [number, number, number, number, number, number], 
/**
 * Message templates the user edited, keyed `ja.birthday`, `en.keep_in_touch`…;
 * a missing key uses the built-in text.
 */
templates: { [key in string]: string }, 
/**
 * Start Kizuna (in the tray) when the user logs in.
 */
start_at_login: boolean, 
/**
 * Notifications name no customer and quote no draft: what a lock
 * screen or a shared screen shows tells nothing about anyone.
 */
private_notifications: boolean, 
/**
 * Ask the release server once a day whether a newer signed version
 * exists (installed only on the user's word).
 */
check_for_updates: boolean, 
/**
 * Take a backup every day (and every week), kept 7 and 4 deep.
 */
automatic_backups: boolean, 
/**
 * Where backups go; empty is `backups/` in the data folder.
 */
backup_folder: string, 
/**
 * The salesperson's own CardDAV/CalDAV server, if connected.
 */
sync_account: SyncAccount | null, 
/**
 * Who the season's cards are from, printed on each postcard.
 */
sender: Sender, 
/**
 * Remind in early December of the New Year cards and in early July of
 * the summer greetings (`reminder/season.rs`).
 */
season_reminders: boolean, };

export type AppInfo = { version: string, 
/**
 * The folder holding the store and its backups.
 */
data_dir: string, 
/**
 * The folder of the app's log files.
 */
log_dir: string, 
/**
 * Why the store could not be opened, if it could not.
 */
startup_error: ErrorPayload | null, 
/**
 * The window shows the demo book (its own folder), not the user's.
 */
demo: boolean, 
/**
 * What the store waits for before it opens (a passphrase, the
 * recovery key), if it waits.
 */
lock: Lock | null, 
/**
 * How the store key is kept, once the store is open.
 */
protection: Protection | null, 
/**
 * The user has confirmed writing down the current recovery key.
 */
recovery_key_confirmed: boolean, };

export type AvailableUpdate = { version: string, 
/**
 * The version running now.
 */
current_version: string, 
/**
 * What is new, as the release notes say it.
 */
notes: string, 
/**
 * When it was published (Unix seconds), if the server says.
 */
published_at: number | null, };

export type UpdateProgress = { downloaded: number, 
/**
 * The whole size, when the server says it.
 */
total: number | null, };

export type DuplicateReason = "same_email" | "same_mobile" | "same_name" | "same_reading" | "similar_name" | "import_lead";

export type DuplicateDoubt = "different_emails" | "different_birthdays";

export type DuplicatePair = { 
/**
 * The older record (the lower id).
 */
first: number, second: number, 
/**
 * Higher is more certain; pairs under [`MIN_SCORE`] are not listed.
 */
score: number, reasons: Array<DuplicateReason>, doubts: Array<DuplicateDoubt>, };

export type DuplicateList = { 
/**
 * The most certain pairs, at most [`LISTED_PAIRS`].
 */
pairs: Array<DuplicatePair>, 
/**
 * How many pairs were found in all.
 */
total: number, 
/**
 * Everyone named in `pairs`, as the list shows them.
 */
people: Array<CustomerRow>, };

export type MergeField = "name" | "reading" | "company" | "title" | "birthday" | "likes" | "notes" | "met_how" | "met_on" | "source" | "referred_by" | "preferred_channel" | "quiet_until" | "cadence_days" | "honorific" | "message_language" | "topic" | "stage";

export type MergePreview = { kept: Customer, other: Customer, 
/**
 * The fields both fill differently, for the user to choose.
 */
conflicts: Array<MergeField>, 
/**
 * The profile that results if every conflict keeps the staying
 * record's value.
 */
merged: CustomerProfile, 
/**
 * What moves from the other record.
 */
touchpoints: number, purchases: number, introductions: number, };

export type MergeRequest = { 
/**
 * The record that stays.
 */
kept: number, 
/**
 * The record merged into it, which goes.
 */
other: number, 
/**
 * The conflicting fields whose value is taken from `other`.
 */
take_other: Array<MergeField>, 
/**
 * When each was last changed as the side-by-side showed them: a record
 * changed since (in another window) is not merged.
 */
kept_updated_at: number, other_updated_at: number, };

export type MergeOutcome = { 
/**
 * The record that stayed, as it is now.
 */
customer: Customer, undo: Undo, 
/**
 * The copy of the store taken before merging, if one was taken now.
 */
backup: string | null, };

export type DavCollection = { 
/**
 * Its path on the server, as the server writes it.
 */
href: string, 
/**
 * Its display name, or the last part of its path.
 */
name: string, };

export type DavDiscovery = { 
/**
 * The server contacts are asked of (`https://host[:port]/`), which the
 * address given may have led to (iCloud sends each user to a server
 * of its own).
 */
contacts_at: string, 
/**
 * The server calendars are asked of, when there are calendars.
 */
calendars_at: string | null, 
/**
 * Where the user's address books are (and a new one is made).
 */
address_book_home: string, address_books: Array<DavCollection>, 
/**
 * Where the user's calendars are; `None` when the server has no CalDAV.
 */
calendar_home: string | null, calendars: Array<DavCollection>, };

export type DavProblem = "bad_address" | "no_such_server" | "unreachable" | "wrong_password" | "certificate" | "not_dav_server";

export type ContactDetails = "contact" | "profile" | "everything";

export type SyncAccount = { 
/**
 * The address the user gave (`https://…`).
 */
server: string, user: string, 
/**
 * Where customers are written as contacts.
 */
address_book: DavCollection, 
/**
 * Where personal touches are written as events; `None`: not at all.
 */
calendar: DavCollection | null, contact_details: ContactDetails, 
/**
 * The server the address book is on, when discovery was led away
 * from `server`; `None`: `server` itself.
 */
contacts_at: string | null, 
/**
 * The server the calendar is on, likewise.
 */
calendar_at: string | null, };

export type CollectionChoice = { "kind": "existing", collection: DavCollection, } | { "kind": "new" } | { "kind": "off" };

export type ConnectRequest = { server: string, user: string, 
/**
 * Kept in the OS keychain once the connection is made.
 */
password: string, address_book: CollectionChoice, calendar: CollectionChoice, contact_details: ContactDetails, };

export type SyncEvent = "synced" | "changed_on_server" | "already_on_server" | "failed" | "server_problem" | "deleted_on_phone" | "conflict" | "unreadable" | "token_refused" | "kept_changed_card";

export type SyncLogEntry = { 
/**
 * Unix seconds.
 */
at: number, 
/**
 * A [`SyncEvent`] (kept as text, so an older log reads in a newer build).
 */
event: string, detail: string, customer_id: number | null, 
/**
 * The customer's name, if the entry is about one still in the book.
 */
customer: string, };

export type SyncSummary = { written: number, 
/**
 * Cards left as they are on the server (changed there, or not Kizuna's).
 */
left: number, failed: number, 
/**
 * Cards deleted from the server (their customer deleted with them, or
 * kept off the phone).
 */
removed: number, };

export type PullSummary = { 
/**
 * Customers changed from the phone.
 */
updated: number, 
/**
 * Customers added from cards new on the phone.
 */
added: number, 
/**
 * Customers archived because their card was deleted on the phone.
 */
archived: number, 
/**
 * Parts changed on both sides: the newer kept, the other in the
 * customer's history.
 */
conflicts: number, 
/**
 * Cards Kizuna could not read (in the sync log).
 */
unreadable: number, };

export type SyncReport = { pulled: PullSummary, pushed: SyncSummary, calendar: CalendarSummary, };

export type SyncProgress = { phase: SyncPhase, done: number, total: number, };

export type SyncPhase = "listing" | "pulling" | "writing" | "removing" | "calendar";

export type GreetingKind = "nengajo" | "kanchu_mimai" | "shochu_mimai" | "zansho_mimai" | "ochugen" | "oseibo" | "holiday_card";

export type RecipientRule = { 
/**
 * At one of these stages.
 */
stages: Array<Stage>, 
/**
 * With one of these tags (the demo book tags 年賀状 and お中元).
 */
tags: Array<string>, 
/**
 * Who bought something in the last this many months.
 */
purchased_within_months: number | null, 
/**
 * Who was on last year's list of the same kind.
 */
last_year: boolean, };

export type AddressProblem = "missing" | "postal_code" | "too_long";

export type Campaign = { id: number, kind: GreetingKind, year: number, 
/**
 * Unix seconds.
 */
created_at: number, };

export type CampaignRow = { customer_id: number, display_name: string, reading: string, 
/**
 * The honorific printed after the name: the customer's own, else 様
 * (empty when they want none).
 */
honorific: string, 
/**
 * The address printed (the customer's first).
 */
address: Address | null, 
/**
 * A Japanese address: written vertically with 〒 boxes on a postcard
 * (a foreign one is written across).
 */
vertical: boolean, listed: boolean, 
/**
 * Unix seconds; `None` while not sent.
 */
sent_at: number | null, received_on: string | null, 
/**
 * Why the address cannot go on a postcard as it is.
 */
problems: Array<AddressProblem>, };

export type Mourning = { customer_id: number, display_name: string, 
/**
 * The New Year they receive no card for.
 */
year: number, 
/**
 * The day the 喪中はがき came.
 */
noted_on: string, 
/**
 * Who died, as the card says.
 */
who: string, };

export type CampaignCounts = { listed: number, sent: number, 
/**
 * Cards received from customers (on the list or not).
 */
received: number, 
/**
 * On the list, not yet sent.
 */
pending: number, 
/**
 * On the list with an address that cannot be printed as it is.
 */
unprintable: number, };

export type CampaignView = { campaign: Campaign, 
/**
 * Who is on the list, in reading order.
 */
recipients: Array<CampaignRow>, 
/**
 * Who sent a card but is not on the list: a card can be sent back.
 */
received_unlisted: Array<CampaignRow>, 
/**
 * For a New Year campaign: who is left out for mourning (proposed a
 * 寒中見舞い after 松の内).
 */
in_mourning: Array<Mourning>, counts: CampaignCounts, };

export type CampaignSummary = { campaign: Campaign, counts: CampaignCounts, };

export type PrintLayout = "postcard" | "labels";

export type NewCampaign = { kind: GreetingKind, year: number, rule: RecipientRule, };

export type Sender = { name: string, postal_code: string, 
/**
 * 都道府県・市区町村・番地, on one line.
 */
address: string, 
/**
 * The building, on a line of its own.
 */
building: string, };

export type AddressListSummary = { rows: number, 
/**
 * Rows with a character CP932 cannot hold, written as 〓.
 */
substituted: number, };

export type CalendarSummary = { 
/**
 * Events written (new or changed).
 */
written: number, 
/**
 * Events removed (the touch done, the date gone).
 */
removed: number, failed: number, };

export type Lock = "choose_passphrase" | "passphrase" | "recovery_key" | "keychain_unavailable";

export type Protection = "keychain" | "passphrase";

export type TouchpointKind = "visit" | "call" | "email" | "message" | "letter" | "gift" | "event" | "other";

export type Direction = "give" | "ask" | "neutral";

export type PromiseInput = { title: string, due_on: string, 
/**
 * `HH:MM`; empty for the start of the working day (9:00).
 */
due_time: string, };

export type TouchpointInput = { customer_id: number, kind: TouchpointKind, 
/**
 * Unix seconds.
 */
occurred_at: number, summary: string, notes: string, direction: Direction, satisfaction: number | null, 
/**
 * Only when logging a new touchpoint.
 */
promise: PromiseInput | null, };

export type Touchpoint = { id: number, customer_id: number, kind: TouchpointKind, occurred_at: number, summary: string, notes: string, direction: Direction, satisfaction: number | null, created_at: number, updated_at: number, };

export type LoggedTouchpoint = { touchpoint: Touchpoint, promise: Promise | null, };

export type Promise = { id: number, customer_id: number | null, 
/**
 * The touchpoint during which it was made.
 */
touchpoint_id: number | null, title: string, notes: string, 
/**
 * Unix seconds.
 */
due_at: number, done: boolean, };

export type Channel = "new" | "repeat" | "referral";

export type PurchaseInput = { customer_id: number, item: string, quantity: number, 
/**
 * Integer minor units of the currency (yen have none); negative for a refund.
 */
amount_minor: number, 
/**
 * ISO 4217 code; empty takes the currency setting.
 */
currency: string, 
/**
 * Unix seconds.
 */
purchased_at: number, satisfaction: number | null, notes: string, 
/**
 * The follow-up plan whose steps become reminders; `null` for none.
 */
follow_up_plan_id: number | null, 
/**
 * Days after which this item usually runs out: the plan's re-order
 * step then falls due after this many days instead of its own offset.
 */
reorder_after_days: number | null, };

export type Purchase = { id: number, customer_id: number, item: string, quantity: number, amount_minor: number, currency: string, purchased_at: number, satisfaction: number | null, channel: Channel, notes: string, follow_up_plan_id: number | null, reorder_after_days: number | null, created_at: number, updated_at: number, };

export type RecordedPurchase = { purchase: Purchase, 
/**
 * A promotion the purchase makes due (first purchase → Customer…).
 */
suggestion: PromotionSuggestion | null, 
/**
 * The customer who introduced this one, when this was their first
 * purchase: time to thank them.
 */
thank_referrer: CustomerRef | null, };

export type ReferralStatus = "introduced" | "met" | "bought";

export type ReferralNode = { customer: CustomerRef, stage: Stage, status: ReferralStatus, introduced_at: number, thanked_at: number | null, 
/**
 * Everything this customer has bought (refunds deducted), minor units.
 */
sales_minor: number, children: Array<ReferralNode>, };

export type ReferralLink = { referrer: CustomerRef, status: ReferralStatus, introduced_at: number, thanked_at: number | null, };

export type ReferralSummary = { referred_by: ReferralLink | null, 
/**
 * Whom this customer introduced, several levels deep.
 */
tree: Array<ReferralNode>, 
/**
 * Customers this one introduced directly.
 */
direct_count: number, 
/**
 * Everyone in the tree, all levels.
 */
total_count: number, 
/**
 * What the directly introduced customers have bought, minor units.
 */
referral_sales_minor: number, };

export type PromotionRule = "first_purchase" | "repeat_purchases" | "first_referral";

export type StageChange = { id: number, 
/**
 * `None` for the stage a customer was created at.
 */
from: Stage | null, to: Stage, 
/**
 * Unix seconds.
 */
changed_at: number, 
/**
 * What the salesperson wrote; empty for accepted suggestions.
 */
reason: string, 
/**
 * The suggestion that was accepted, if this came from one.
 */
rule: PromotionRule | null, };

export type PromotionEvidence = { 
/**
 * The first purchase's item (first purchase rule).
 */
item: string | null, 
/**
 * Purchases in the last 12 months and the threshold (repeat rule).
 */
purchases_in_year: number | null, threshold: number | null, 
/**
 * The customer they introduced (referral rule).
 */
referred: string | null, };

export type PromotionSuggestion = { customer_id: number, display_name: string, from: Stage, to: Stage, rule: PromotionRule, evidence: PromotionEvidence, };

export type TimelineKind = "touchpoint" | "purchase" | "referral" | "stage_change";

export type ReferralRole = "introduced_by" | "introduced";

export type TimelineEntry = { "type": "touchpoint", touchpoint: Touchpoint, } | { "type": "purchase", purchase: Purchase, } | { "type": "referral", role: ReferralRole, other: CustomerRef, status: ReferralStatus, } | { "type": "stage_change", change: StageChange, };

export type TimelineItem = { 
/**
 * Unix seconds.
 */
at: number, entry: TimelineEntry, };

export type GiveAskBalance = { gives: number, asks: number, neutral: number, 
/**
 * Start of the period (Unix seconds).
 */
since: number, 
/**
 * Only asks and no gives: the warning sign of a one-sided relationship.
 */
only_asks: boolean, };

export type Timeline = { 
/**
 * Newest first.
 */
items: Array<TimelineItem>, balance: GiveAskBalance, };

export type OccasionKind = "birthday" | "anniversary" | "custom_date" | "family_birthday";

export type Occasion = { kind: OccasionKind, 
/**
 * The date's own label ("結婚記念日"), or the family member's name.
 */
label: string, 
/**
 * The family member's relation ("妻"), for family birthdays.
 */
relation: string, date: PartialDate, 
/**
 * Its position among the customer's dates of its kind (a stable id).
 */
index: number, };

export type UpcomingDate = { occasion: Occasion, on: string, days_until: number, 
/**
 * The age they turn, or the years it marks, when the year is known.
 */
years: number | null, };

export type PurchaseSummary = { 
/**
 * Purchases (refunds not counted).
 */
count: number, 
/**
 * Everything bought, refunds deducted, minor units.
 */
total_minor: number, currency: string, first_at: number | null, last: Purchase | null, };

export type VisitBrief = { customer: Customer, 
/**
 * When the relationship began: the earliest of the day you met, the
 * first contact, the first purchase and when the customer was added.
 */
relationship_since: number, relationship_days: number, 
/**
 * The last five touchpoints, newest first.
 */
recent_touchpoints: Array<Touchpoint>, purchases: PurchaseSummary, open_promises: Array<Promise>, upcoming_dates: Array<UpcomingDate>, balance: GiveAskBalance, 
/**
 * Whom they introduced (direct), with what came of it.
 */
referred: Array<ReferralNode>, suggestion: PromotionSuggestion | null, };

export type YearMonth = { year: number, 
/**
 * 1–12.
 */
month: number, };

export type Ratio = { numerator: number, denominator: number, };

export type DashboardQuery = { 
/**
 * How many months the charts cover (1–120), ending with `end`.
 */
months: number, 
/**
 * The last month shown; `None` is the current month.
 */
end: YearMonth | null, };

export type MonthRevenue = { 
/**
 * Repeat purchases by customers who had bought before.
 */
existing_minor: number, 
/**
 * First purchases by customers who came on their own.
 */
new_minor: number, 
/**
 * First purchases by customers someone introduced.
 */
referral_minor: number, };

export type MonthTouches = { give: number, ask: number, neutral: number, };

export type MonthSatisfaction = { total: number, responses: number, };

export type FunnelStep = { stage: Stage, 
/**
 * Active customers at this stage now.
 */
customers: number, 
/**
 * Promotions into this stage during the period.
 */
promotions: number, };

export type ReferralScore = { walk_in_new_minor: number, referral_minor: number, weight: number, 
/**
 * walk-in new + weight × referral, rounded to a minor unit.
 */
score_minor: number, };

export type WalkInCap = { month: YearMonth, 
/**
 * Customers whose first purchase this month came without an introduction.
 */
count: number, cap: number, };

export type AtRiskBasis = "purchase" | "contact";

export type AtRiskCustomer = { customer: CustomerRef, stage: Stage, basis: AtRiskBasis, usual_interval_days: number, days_since: number, };

export type Headline = { goal: CustomerizationGoal, 
/**
 * The 12 months ending with the last month shown.
 */
current: Ratio, 
/**
 * The 12 months before those.
 */
previous: Ratio, };

export type Dashboard = { months: Array<YearMonth>, currency: string, revenue: Array<MonthRevenue>, 
/**
 * Existing customers who bought again, per month.
 */
active_existing: Array<number>, 
/**
 * Of the customers who bought in the previous 12 months, those who
 * bought again in these 12 (ending with the last month shown).
 */
retention: Ratio, funnel: Array<FunnelStep>, referral_score: ReferralScore, walk_in: WalkInCap, satisfaction: Array<MonthSatisfaction>, touches: Array<MonthTouches>, 
/**
 * The most overdue customers first.
 */
at_risk: Array<AtRiskCustomer>, at_risk_total: number, headline: Headline, 
/**
 * When the last month shown is the current one, the day of the month
 * its figures run to: that month is partial, drawn so and left out of
 * statements about the trend. `null` when every month is complete.
 */
partial_through_day: number | null, };

export type ReminderKind = "birthday" | "family_birthday" | "important_date" | "purchase_anniversary" | "follow_up" | "keep_in_touch" | "referral_introduced" | "referral_bought" | "custom" | "season";

export type FollowUpKind = "thank_you" | "check_in" | "satisfaction" | "reorder" | "custom";

export type FollowUpStep = { 
/**
 * `null` for a step not saved yet.
 */
id: number | null, kind: FollowUpKind, 
/**
 * Shown instead of the kind's name when not empty.
 */
label: string, 
/**
 * Days after the purchase.
 */
offset_days: number, };

export type FollowUpPlan = { 
/**
 * `null` for a plan not saved yet.
 */
id: number | null, 
/**
 * Empty for the built-in plan, which the interface names in its language.
 */
name: string, is_default: boolean, steps: Array<FollowUpStep>, };

export type ReminderCustomer = { id: number, display_name: string, stage: Stage, 
/**
 * The last touchpoint (Unix seconds), if any.
 */
last_touch_at: number | null, phone: string, email: string, };

export type Reminder = { 
/**
 * Names this occurrence; what the user did to it is stored under it.
 */
key: string, kind: ReminderKind, customer: ReminderCustomer | null, 
/**
 * The local day it falls due.
 */
due_on: string, 
/**
 * When it falls due (Unix seconds): the reminder time on `due_on`, a
 * promise's own time, or the end of a snooze.
 */
due_at: number, 
/**
 * The day of the occasion itself (before it for a lead card); the
 * purchase for a follow-up; the last contact for keep-in-touch.
 */
occasion_on: string, 
/**
 * The last day it is offered; `null` for touches that stay until done.
 */
expires_on: string | null, 
/**
 * When it stops being offered (the end of `expires_on` in the user's
 * zone, Unix seconds): a snooze must end before it.
 */
offered_until: number | null, 
/**
 * Age, or years since, on the occasion.
 */
years: number | null, 
/**
 * What it is about, beyond its kind: the family member, the date's
 * label, the item bought, the person introduced, the promise's title.
 */
subject: string, follow_up: FollowUpKind | null, 
/**
 * Back from a snooze.
 */
snoozed: boolean, 
/**
 * What it is about in one line, in the reminder's language (see
 * `headline.rs`): the Today card, the notification and the calendar
 * all show this.
 */
headline: string, 
/**
 * A ready message in the reminder's language.
 */
draft: string, 
/**
 * The language `headline` and `draft` are written in: the customer's.
 */
language: DraftLanguage, };

export type ReminderSection = { 
/**
 * Every reminder in the section…
 */
total: number, 
/**
 * …of which the first as many as were asked for (at most
 * [`SECTION_LIMIT`]), in due order.
 */
items: Array<Reminder>, };

export type TodayView = { today: string, 
/**
 * Most recently due first.
 */
overdue: ReminderSection, today_items: ReminderSection, 
/**
 * The next seven days, soonest first.
 */
upcoming: ReminderSection, 
/**
 * Today's agenda is still being derived: this is the last one, read
 * for today's dates (see `Store::today_view_at_once`).
 */
preparing: boolean, 
/**
 * The most reminders a section lists, however many are asked for.
 */
most_listed: number, };

export type TemplatePreview = { key: string, text: string, };

export type DraftLanguage = "ja" | "en";

export type ReminderTouch = { kind: TouchpointKind, summary: string, };

export type ReminderAction = { "action": "done", log: ReminderTouch | null, } | { "action": "snooze", until: number, } | { "action": "skip" };

export type Undo = { 
/**
 * The undo log entry.
 */
id: number, };

export type TextEncoding = "auto" | "utf8" | "shift_jis" | "windows1252" | "utf16_le" | "utf16_be";

export type ImportProblemCode = "no_name" | "named_from_contact" | "unterminated" | "malformed" | "kept_aside" | "dropped" | "repeated" | "too_many";

export type ImportFormat = "vcard" | "csv";

export type ImportFile = { format: ImportFormat, size: number, 
/**
 * The encoding detected (a CSV's sheet says it too).
 */
encoding: TextEncoding, 
/**
 * A CSV file's layout, for the column-mapping screen.
 */
sheet: CsvSheet | null, };

export type ImportOptions = { format: ImportFormat, encoding: TextEncoding, 
/**
 * Each column's meaning, for a CSV file.
 */
mapping: Array<ColumnMapping>, 
/**
 * The language labels (携帯 / mobile) are written in.
 */
language: DraftLanguage, };

export type ExportFormat = "vcard4" | "vcard3" | "csv" | "ics" | "json";

export type ImportProblem = { record: number, line: number, excerpt: string, code: ImportProblemCode, 
/**
 * The property, column or field concerned, when there is one.
 */
detail: string, 
/**
 * The cap exceeded, for `too_many`.
 */
limit: number | null, };

export type ImportAction = "new" | "update" | "unchanged";

export type ChangedPart = "name" | "reading" | "company" | "phones" | "emails" | "addresses" | "birthday" | "dates" | "family" | "notes" | "tags" | "extras" | "relationship";

export type PreviewRow = { record: number, display_name: string, action: ImportAction, changes: Array<ChangedPart>, 
/**
 * The import could not tell who this is: one of several customers it
 * matches (the first is updated), or a customer it matches only
 * weakly (it is added as new). The pairs go to the Duplicates view.
 */
to_review: boolean, };

export type ImportPreview = { 
/**
 * Cards or rows read.
 */
read: number, new: number, updated: number, unchanged: number, 
/**
 * Contacts that appear again further down the file, merged into the first.
 */
repeated: number, 
/**
 * Contacts the import could not tell apart from customers in the
 * book (see [`PreviewRow::to_review`]).
 */
to_review: number, 
/**
 * Cards or rows that cannot be imported (see `problems`).
 */
skipped: number, 
/**
 * Every problem, in file order (values kept aside included).
 */
problems: Array<ImportProblem>, 
/**
 * New and updated contacts first, then unchanged ones, in file order.
 */
rows: Array<PreviewRow>, 
/**
 * What the file was read as.
 */
encoding: TextEncoding, };

export type ImportSummary = { created: number, updated: number, unchanged: number, skipped: number, 
/**
 * Contacts left to the Duplicates view with those they may be.
 */
to_review: number, 
/**
 * The copy of the store taken just before.
 */
backup: string | null, };

export type ColumnTarget = "skip" | "keep" | "family_name" | "given_name" | "middle_name" | "full_name" | "family_name_reading" | "given_name_reading" | "full_name_reading" | "company" | "department" | "title" | "phone" | "phone_label" | "email" | "email_label" | "postal_code" | "region" | "locality" | "street" | "extended" | "country" | "full_address" | "address_label" | "birthday" | "anniversary" | "notes" | "tags" | "uid";

export type ColumnMapping = { target: ColumnTarget, group: number, label: string, };

export type CsvPreset = "google" | "google_legacy" | "outlook" | "linkedin" | "japanese" | "custom";

export type CsvSheet = { encoding: TextEncoding, 
/**
 * Where the header row is (1-based); rows above it are not data.
 */
header_line: number, headers: Array<string>, 
/**
 * The first data rows, cut to the headers' width.
 */
samples: Array<Array<string>>, 
/**
 * Data rows in the file.
 */
rows: number, preset: CsvPreset, mapping: Array<ColumnMapping>, };

export type CsvOptions = { encoding: TextEncoding, 
/**
 * One per header column; missing ones are kept as extras.
 */
mapping: Array<ColumnMapping>, };

export type VcardVersion = "v4" | "v3";

export type RestoredCounts = { customers: number, touchpoints: number, purchases: number, 
/**
 * The copy of the store taken just before.
 */
backup: string | null, };

export type BackupKind = "daily" | "weekly" | "manual" | "before_import" | "before_restore" | "before_migration" | "before_merge";

export type BackupInfo = { path: string, file_name: string, kind: BackupKind, 
/**
 * When it was taken (Unix seconds, from its name).
 */
taken_at: number, size: number, };

export type BackupContents = { info: BackupInfo, schema_version: number, customers: number, touchpoints: number, purchases: number, 
/**
 * The newest change in it (Unix seconds), if any.
 */
last_change_at: number | null, };

export type RestoreReport = { restored: BackupContents, 
/**
 * The copy of the store as it was just before.
 */
previous: BackupInfo | null, };

export type JobPhase = "reading" | "matching" | "writing" | "exporting" | "restoring";

export type JobProgress = { job: number, phase: JobPhase, done: number, total: number, };

/** The direction a touchpoint of each kind starts with (editable). */
export const DEFAULT_DIRECTION: Record<TouchpointKind, Direction> = { visit: 'neutral', call: 'neutral', email: 'neutral', message: 'neutral', letter: 'give', gift: 'give', event: 'give', other: 'neutral' };

/** Every touchpoint kind, in the order the quick log offers them. */
export const TOUCHPOINT_KINDS: TouchpointKind[] = ['visit', 'call', 'email', 'message', 'letter', 'gift', 'event', 'other'];

/** The message drafts' built-in templates, by language and key. */
export const DEFAULT_TEMPLATES: Record<DraftLanguage, Record<string, string>> = {
  ja: {
    birthday: "{greeting}\nお誕生日おめでとうございます。素敵な一年になりますように。いつもありがとうございます。",
    belated: "{greeting}\n遅くなりましたが、{occasion}おめでとうございます。ささやかながらお祝いの気持ちをお伝えしたく、ご連絡しました。",
    family_birthday: "{greeting}\n{occasion}、おめでとうございます。ご家族の皆さまによろしくお伝えください。",
    important_date: "{greeting}\n{occasion}、おめでとうございます。これからもどうぞよろしくお願いいたします。",
    purchase_anniversary: "{greeting}\n初めてお取引いただいてから{years}になりました。いつも本当にありがとうございます。",
    thank_you: "{greeting}\nこのたびは[{item}を]お求めいただき、ありがとうございました。何かあればいつでもご連絡ください。",
    check_in: "{greeting}\n先日は[{item}の件で]ありがとうございました。その後いかがでしょうか。気になる点があればお気軽にお知らせください。",
    satisfaction: "{greeting}\n[{item}を]お使いいただいてしばらく経ちましたが、ご満足いただけているでしょうか。ひと言お聞かせいただけると嬉しいです。",
    reorder: "{greeting}\n[{item}は]そろそろ少なくなっている頃でしょうか。ご入用でしたらご用意いたします。",
    follow_up: "{greeting}\n先日は[{item}を]お求めいただき、ありがとうございました。その後いかがでしょうか。",
    keep_in_touch: "{greeting}\nご無沙汰しております。お変わりなくお過ごしでしょうか。[{topic}のこと、またお聞かせください。]",
    referral_introduced: "{greeting}\n[{person}様を]ご紹介いただき、ありがとうございました。大切にお付き合いさせていただきます。",
    referral_bought: "{greeting}\nご紹介のおかげで、先日[{person}様と]お取引させていただきました。本当にありがとうございます。",
    custom: "{greeting}\nお約束の[「{occasion}」の]件でご連絡しました。"
  },
  en: {
    birthday: "{greeting}\nHappy birthday! Wishing you a wonderful year ahead, and thank you for everything.",
    belated: "{greeting}\nA little late, but warmest wishes on {occasion}. I hope it was a wonderful day.",
    family_birthday: "{greeting}\nCongratulations on {occasion}! Please pass on my best wishes.",
    important_date: "{greeting}\nCongratulations on {occasion}. I look forward to many more years together.",
    purchase_anniversary: "{greeting}\nIt has been {years} since we first did business together. Thank you for your trust.",
    thank_you: "{greeting}\nThank you for your recent purchase[ of {item}]. If anything comes up, I am always happy to help.",
    check_in: "{greeting}\nHow are you getting on[ with {item}]? Let me know if there is anything I can do.",
    satisfaction: "{greeting}\nIt has been a little while since your purchase[ of {item}]. Are you happy with it? A word from you would mean a lot.",
    reorder: "{greeting}\nYou may be running low[ on {item}] about now. Shall I set some aside for you?",
    follow_up: "{greeting}\nThank you again for your recent purchase[ of {item}]. How is everything going?",
    keep_in_touch: "{greeting}\nIt has been a while, and I hope all is well with you.[ I would love to hear how {topic} is going.]",
    referral_introduced: "{greeting}\nThank you for the introduction[ to {person}]. I will take good care of them.",
    referral_bought: "{greeting}\nYour introduction has led to new business[ with {person}]. Thank you so much.",
    custom: "{greeting}\nAs promised, I am getting in touch[ about “{occasion}”]."
  },
};
