// The page frame: skip link, navigation that folds behind "Menu" on phones,
// flash message, local CSS/JS only (strict CSP). `.top-tools` holds what
// belongs to the signed-in person (the administrator's athlete switcher, log out).
import { assetUrl } from '../assets.js';
import { html, type Html } from './html.js';

export type NavKey = 'overview' | 'workouts' | 'backfill' | 'log' | 'connect' | 'settings';

export interface LayoutProps {
  readonly title: string;
  readonly active: NavKey | 'login' | 'none';
  readonly csrf: string;
  readonly flash?: { kind: 'ok' | 'error'; text: string } | null;
  /** Extra page assets (paths under /assets/). */
  readonly styles?: readonly string[];
  readonly scripts?: readonly string[];
  readonly loggedIn?: boolean;
  /** The administrator's athlete switcher (two or more athletes); unset = none. */
  readonly switcher?: Switcher | null;
}

export interface Switcher {
  readonly athletes: readonly { readonly id: string; readonly name: string }[];
  readonly current: string;
  /** The page the switch comes from (its kind of page is shown for the chosen athlete). */
  readonly back: string;
}

// A plain form: without JavaScript the button switches; the page is the chosen athlete's after the redirect.
function switcher(s: Switcher, csrf: string): Html {
  return html`<form method="post" action="/athlete/switch" class="athlete-switch" id="athlete-switch"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="back" value="${s.back}"><label>Athlete <select name="athlete" id="athlete-select">${s.athletes.map(
    (a) => html`<option value="${a.id}"${a.id === s.current ? ' selected' : ''}>${a.name}</option>`,
  )}</select></label> <button>Show</button></form>` as Html;
}

const NAV: readonly [NavKey, string, string][] = [
  ['overview', '/', 'Overview'],
  ['workouts', '/workouts', 'Workouts'],
  ['backfill', '/backfill', 'Backfill'],
  ['log', '/log', 'Log'],
  ['connect', '/connect', 'Connect'],
  ['settings', '/settings', 'Settings'],
];

function nav(active: LayoutProps['active']): Html {
  return html`<button type="button" class="menu-toggle" aria-expanded="false" aria-controls="site-nav">Menu</button>
<nav id="site-nav" aria-label="Main">${NAV.map(
    ([key, href, label]) => html`<a href="${href}"${key === active ? html` aria-current="page"` : ''}>${label}</a>`,
  )}</nav>` as Html;
}

export function layout(props: LayoutProps, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${props.csrf}">
<title>${props.title} · bandsync</title>
<link rel="stylesheet" href="${assetUrl.own('app.css')}">
${(props.styles ?? []).map((s) => html`<link rel="stylesheet" href="${s}">`)}
<script src="${assetUrl.own('site.js')}" defer></script>
${(props.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/">bandsync</a>
  ${props.active === 'login' ? '' : nav(props.active)}
  <div class="top-tools">
  ${props.switcher && props.active !== 'login' ? switcher(props.switcher, props.csrf) : ''}
  ${props.loggedIn ? html`<form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${props.csrf}"><button>Log out</button></form>` : ''}
  </div>
</header>
<main id="main">
${props.flash ? html`<p class="flash flash-${props.flash.kind}" role="${props.flash.kind === 'error' ? 'alert' : 'status'}">${props.flash.text}</p>` : ''}
${body}
</main>
</body>
</html>` as Html;
}
