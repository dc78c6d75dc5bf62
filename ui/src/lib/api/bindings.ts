// Generated from the Rust types in src-tauri/core by `kizuna-cli bindings`.
// Do not edit by hand: a test fails when this file is stale.

export type ErrorCode = "validation" | "not_found" | "newer_database" | "corrupt_database" | "storage" | "io" | "internal";

export type FieldErrorCode = "required" | "too_long" | "not_kana" | "invalid_email" | "invalid_phone" | "invalid_postal_code" | "invalid_date" | "date_in_future" | "out_of_range" | "invalid_number" | "unknown_customer" | "self_referral" | "referral_cycle" | "duplicate";

export type FieldError = { field: string, code: FieldErrorCode, 
/**
 * The limit that was exceeded, for `too_long` and `out_of_range`.
 */
limit: number | null, };

export type ErrorPayload = { code: ErrorCode, message: string, fields: Array<FieldError>, };

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
 * Honorific for drafts; empty means the language's default (様).
 */
honorific: string, tags: Array<string>, stage: Stage, };

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
walk_in_cap: number, };

export type AppInfo = { version: string, 
/**
 * The folder holding the store and its backups.
 */
data_dir: string, 
/**
 * Why the store could not be opened, if it could not.
 */
startup_error: ErrorPayload | null, };

export type TouchpointKind = "visit" | "call" | "email" | "message" | "letter" | "gift" | "event" | "other";

export type Direction = "give" | "ask" | "neutral";

export type PromiseInput = { title: string, due_on: string, };

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
purchased_at: number, satisfaction: number | null, notes: string, };

export type Purchase = { id: number, customer_id: number, item: string, quantity: number, amount_minor: number, currency: string, purchased_at: number, satisfaction: number | null, channel: Channel, notes: string, created_at: number, updated_at: number, };

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
at_risk: Array<AtRiskCustomer>, at_risk_total: number, headline: Headline, };

/** The direction a touchpoint of each kind starts with (editable). */
export const DEFAULT_DIRECTION: Record<TouchpointKind, Direction> = { visit: 'neutral', call: 'neutral', email: 'neutral', message: 'neutral', letter: 'give', gift: 'give', event: 'give', other: 'neutral' };

/** Every touchpoint kind, in the order the quick log offers them. */
export const TOUCHPOINT_KINDS: TouchpointKind[] = ['visit', 'call', 'email', 'message', 'letter', 'gift', 'event', 'other'];
