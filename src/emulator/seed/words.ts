/** Word lists for the demo org: plausible people, companies and mail of a travel business. */
export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James', 'Isabella', 'Lucas', 'Mia', 'Mason',
  'Amelia', 'Ethan', 'Harper', 'Logan', 'Evelyn', 'Aiden', 'Abigail', 'Carter', 'Priya', 'Arjun', 'Mei', 'Hiroshi',
  'Fatima', 'Omar', 'Sofia', 'Mateo', 'Chloe', 'Jonas', 'Ingrid', 'Lars', 'Amara', 'Kwame', 'Zara', 'Rafael',
  'Lucia', 'Diego', 'Nora', 'Felix', 'Hannah', 'Samuel', 'Grace', 'Leo', 'Ruby', 'Oscar', 'Ella', 'Henry',
  'Aisha', 'Yusuf', 'Ana', 'Tomas', 'Keiko', 'Ravi', 'Elena', 'Marco', 'Julia', 'Victor', 'Clara', 'Anton',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen',
  'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall',
  'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Patel', 'Sharma', 'Tanaka', 'Kowalski', 'Novak',
  'Okonkwo', 'Haddad', 'Lindqvist', 'Moreau', 'Rossi',
] as const;

export const COMPANIES = [
  ['Northwind Traders', 'northwindtraders.com'], ['Blue Harbor Logistics', 'blueharbor.io'],
  ['Summit Peak Consulting', 'summitpeak.co'], ['Greenfield Analytics', 'greenfield-analytics.com'],
  ['Crescent Medical Group', 'crescentmed.org'], ['Ironclad Manufacturing', 'ironclad-mfg.com'],
  ['Lumen Education', 'lumenedu.org'], ['Riverbend Hospitality', 'riverbendhotels.com'],
  ['Atlas Engineering', 'atlas-eng.com'], ['Brightwave Media', 'brightwave.media'],
  ['Cobalt Financial', 'cobaltfin.com'], ['Evergreen Foods', 'evergreenfoods.com'],
  ['Falcon Aerospace', 'falconaero.com'], ['Harborview Legal', 'harborviewlaw.com'],
  ['Juniper Software', 'junipersoft.dev'], ['Keystone Realty', 'keystonerealty.com'],
  ['Meridian Pharma', 'meridianpharma.com'], ['Nimbus Cloud Services', 'nimbuscloud.net'],
  ['Oakridge Schools', 'oakridgeschools.org'], ['Pinnacle Events', 'pinnacle-events.com'],
  ['Quantum Retail', 'quantumretail.shop'], ['Redwood Architects', 'redwoodarch.com'],
  ['Sapphire Insurance Brokers', 'sapphirebrokers.com'], ['Tidewater Shipping', 'tidewatershipping.com'],
  ['Unity Health Partners', 'unityhealth.org'], ['Vertex Sports Club', 'vertexsports.club'],
  ['Willow Creek Vineyards', 'willowcreekwine.com'], ['Zenith Robotics', 'zenithrobotics.ai'],
  ['Alder & Finch Design', 'alderfinch.design'], ['Beacon Nonprofit Alliance', 'beaconalliance.org'],
] as const;

export const DEAL_PRODUCTS = [
  'Travel Insurance', 'Corporate Retreat', 'Group Travel Package', 'Conference Travel', 'Incentive Trip',
  'Annual Travel Program', 'Executive Travel Desk', 'Team Offsite', 'Visa Services', 'Fleet Car Rental',
  'Airport Lounge Access', 'Cruise Charter', 'Ski Retreat', 'Trade Show Logistics', 'Relocation Package',
] as const;

export const DEAL_TYPES = ['New Business', 'Existing Business'] as const;
export const LEAD_SOURCES = ['Advertisement', 'Cold Call', 'Employee Referral', 'Partner', 'Web Download', 'Trade Show', 'Chat'] as const;
export const CONTACT_TITLES = [
  'Travel Manager', 'Office Manager', 'Head of Operations', 'HR Director', 'Procurement Lead', 'CFO',
  'Executive Assistant', 'Events Coordinator', 'VP Sales', 'Founder',
] as const;
export const CITIES = ['Boston', 'Chicago', 'Austin', 'Denver', 'Seattle', 'Atlanta', 'Toronto', 'London', 'Berlin', 'Sydney'] as const;
export const CONTACT_ROLES = ['Decision Maker', 'Evaluator', 'Purchasing', 'Technical Buyer', 'Executive Sponsor', 'Influencer'] as const;

/** Received mail: [subject, intent, sentiment, emotion, summary]. `{deal}` is the product. */
export const INBOUND = [
  ['Question about the {deal} quote', 'query', 'neutral', 'curiosity', 'The customer asks what the {deal} quote covers and whether taxes are included.'],
  ['Re: {deal} proposal', 'request', 'positive', 'interest', 'The customer wants a revised {deal} proposal with two more travellers.'],
  ['Ready to move forward with {deal}', 'purchase', 'positive', 'excitement', 'The customer confirms they want to go ahead with {deal} and asks for the contract.'],
  ['Problem with our last booking', 'complaints', 'negative', 'frustration', 'The customer reports a missed transfer on the last trip and asks for a refund.'],
  ['Thanks for the call today', 'others', 'positive', 'gratitude', 'The customer thanks the rep for the call and will share dates next week.'],
  ['Can we reschedule?', 'request', 'neutral', 'neutral', 'The customer asks to move Thursday\'s meeting to next week.'],
  ['Budget approval for {deal}', 'purchase', 'neutral', 'neutral', 'Finance approved the {deal} budget; the customer asks about payment terms.'],
  ['Invoice discrepancy', 'complaints', 'negative', 'annoyance', 'The customer says the invoice total does not match the agreed {deal} price.'],
  ['Policy details needed', 'query', 'neutral', 'curiosity', 'The customer needs the cancellation policy for {deal} before signing.'],
  ['Exclusive offer just for you!!!', 'spam', 'neutral', null, 'A promotional message unrelated to the deal.'],
  ['Updated traveller list', 'request', 'neutral', 'neutral', 'The customer sends an updated list of travellers and passport details.'],
  ['Feedback on the itinerary', 'others', 'positive', 'satisfaction', 'The customer likes the draft itinerary and suggests one change of hotel.'],
  ['Still waiting on a reply', 'complaints', 'negative', 'impatience', 'The customer has not heard back about {deal} and asks for an update.'],
  ['Comparing options for {deal}', 'query', 'neutral', 'curiosity', 'The customer is comparing {deal} with a competitor and asks for a discount.'],
] as const;

/** Sent mail: [subject, summary]. */
export const OUTBOUND = [
  ['{deal} proposal', 'The rep sends the {deal} proposal with pricing and options.'],
  ['Following up on {deal}', 'The rep follows up on the open {deal} proposal.'],
  ['Your itinerary draft', 'The rep shares a first draft of the itinerary for review.'],
  ['Contract for {deal}', 'The rep sends the {deal} contract for signature.'],
  ['Meeting recap', 'The rep summarises the meeting and lists next steps.'],
  ['Quick question about dates', 'The rep asks the customer to confirm travel dates.'],
  ['Welcome aboard!', 'The rep welcomes the customer and introduces the onboarding steps.'],
  ['Revised quote for {deal}', 'The rep sends a revised quote after the discount request.'],
  ['Checking in', 'The rep checks in after a quiet month.'],
  ['Invoice for {deal}', 'The rep sends the invoice and payment details for {deal}.'],
] as const;
