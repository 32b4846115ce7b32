// The page frame: navigation, flash message, local CSS/JS only (strict CSP).
import { assetUrl } from '../assets.js';
import { html, type Html } from './html.js';

export interface LayoutProps {
  readonly title: string;
  readonly active: 'overview' | 'connect' | 'workouts' | 'backfill' | 'settings' | 'login' | 'none';
  readonly csrf: string;
  readonly flash?: { kind: 'ok' | 'error'; text: string } | null;
  /** Extra page assets (paths under /assets/). */
  readonly styles?: readonly string[];
  readonly scripts?: readonly string[];
  readonly loggedIn?: boolean;
}

const NAV: readonly [LayoutProps['active'], string, string][] = [
  ['overview', '/', 'Overview'],
  ['workouts', '/workouts', 'Workouts'],
  ['backfill', '/backfill', 'Backfill'],
  ['connect', '/connect', 'Connect'],
  ['settings', '/settings', 'Settings'],
];

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
${(props.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</head>
<body>
<header class="top">
  <a class="brand" href="/">bandsync</a>
  ${
    props.active === 'login'
      ? ''
      : html`<nav>${NAV.map(
          ([key, href, label]) => html`<a href="${href}" class="${key === props.active ? 'active' : ''}">${label}</a>`,
        )}</nav>`
  }
  ${props.loggedIn ? html`<form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${props.csrf}"><button>Log out</button></form>` : ''}
</header>
<main>
${props.flash ? html`<p class="flash flash-${props.flash.kind}" role="status">${props.flash.text}</p>` : ''}
${body}
</main>
</body>
</html>` as Html;
}
