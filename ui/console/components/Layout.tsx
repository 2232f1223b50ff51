import { useEffect, useRef, type ReactNode } from 'react';
import { session, useSession, type LiveState } from '../api/session';
import { href, paths, type Route } from '../routes';

const NAV: Array<{ label: string; path: string; pages: Route['page'][] }> = [
  { label: 'Customers', path: paths.customers, pages: ['customers', 'customer', 'customer-new'] },
  { label: 'Invoices', path: paths.invoices, pages: ['invoices', 'invoice', 'invoice-new'] },
  { label: 'Failures', path: paths.failures, pages: ['failures'] },
  { label: 'Providers', path: paths.providers, pages: ['providers'] },
];

const LIVE_LABELS: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline — reconnecting',
};

/** The frame around every page: the navigation, the live-connection indicator, the token control. */
export function Layout({ route, children }: { route: Route; children: ReactNode }) {
  const { live, token } = useSession();
  const main = useRef<HTMLElement>(null);
  // After a route change, the new page's heading takes the focus once it is there (PageHeader), as a full page
  // load would put screen readers at the top of the new page.
  const pageKey = JSON.stringify(route);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    focusHeadingOnMount = true;
    const h1 = main.current?.querySelector<HTMLElement>('h1');
    if (h1) {
      focusHeadingOnMount = false;
      h1.focus();
    }
  }, [pageKey]);

  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href(paths.customers)}>
          <span className="brand__mark" aria-hidden="true">
            ⇄
          </span>
          catalog-sync <span className="brand__sub">admin</span>
        </a>
        <div className="topbar__right">
          <span className={`live live--${live}`} data-testid="live-indicator" data-state={live} role="status">
            <span className="live__dot" aria-hidden="true" />
            {LIVE_LABELS[live]}
          </span>
          {token ? (
            <button type="button" className="button button--on-dark" onClick={() => session.setToken(null)}>
              Forget token
            </button>
          ) : (
            <button type="button" className="button button--on-dark" onClick={() => session.requireToken()}>
              Set token
            </button>
          )}
        </div>
      </header>
      <nav className="sidebar" aria-label="Sections">
        <ul>
          {NAV.map((item) => {
            const current = item.pages.includes(route.page);
            return (
              <li key={item.path}>
                <a href={href(item.path)} aria-current={current ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1} className="main">
        {children}
      </main>
    </div>
  );
}

let focusHeadingOnMount = false;

/** A page's title row: its h1 (focusable, for route changes) and its actions. */
export function PageHeader({ title, sub, actions }: { title: ReactNode; sub?: ReactNode; actions?: ReactNode }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!focusHeadingOnMount) return;
    focusHeadingOnMount = false;
    h1.current?.focus();
  }, []);
  return (
    <div className="page-header">
      <div>
        <h1 tabIndex={-1} ref={h1}>
          {title}
        </h1>
        {sub && <p className="page-header__sub">{sub}</p>}
      </div>
      {actions && <div className="page-header__actions">{actions}</div>}
    </div>
  );
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · catalog-sync admin`;
  }, [title]);
}
