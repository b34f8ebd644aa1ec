<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>EntryStatus</name>
    <message>
        <source>corrupt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>protected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in-bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>evictable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Corrupt: cache verify found its bytes do not match %1; retention evicts it first and no pull hands it out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Protected: bundle %1 is %2, so retention and eviction keep this entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In use by bundle %1 (%2); not protected in that state, so it can be evicted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evictable: no bundle holds it; retention takes it when it is over a limit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EvictionSummary</name>
    <message>
        <source>Evicted %1 entries, reclaimed %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>; %n not evicted (details in the tooltip)</source>
        <translation>
            <numerusform>; %n not evicted (details in the tooltip)</numerusform>
            <numerusform>; %n not evicted (details in the tooltip)</numerusform>
        </translation>
    </message>
    <message>
        <source>; cancelled, the rest left as they were</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 warmed (%2)%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 reopened from the cache and verified</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RelativeTime</name>
    <message>
        <source>just now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 minute ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 minutes ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 hour ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 hours ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 day ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 days ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 month ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 months ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 year ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 years ago</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::BundleModel</name>
    <message>
        <source>Bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canonical reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Holds cache entry %1 (%2 bytes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its cache entry %1 is missing: warm or rollback fails until it is pulled again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Holds</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::BundlesPage</name>
    <message>
        <source>&amp;Warm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Stage…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Move to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage a bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is now %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staging %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2; its state was left as it is</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staged %1 as %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warming %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rolling back to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R&amp;ollback</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::CacheEntryModel</name>
    <message>
        <source>%1 bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status: corrupt, protected by a bundle, in a bundle, or evictable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Digest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Media type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The retention plan evicts it (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::CacheGroupModel</name>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::CredentialsPage</name>
    <message>
        <source>&lt;b&gt;Tokens are saved in the %1 store.&lt;/b&gt; %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;No token can be saved.&lt;/b&gt; %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant / registry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save tenant token…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a GHCR tenant token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A tenant and a token are both needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the token for tenant %1 in the %2 store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a saved token first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: nothing is stored any more (log in again).</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1: the token reads back from the store (%n characters).</source>
        <translation>
            <numerusform>%1: the token reads back from the store (%n character).</numerusform>
            <numerusform>%1: the token reads back from the store (%n characters).</numerusform>
        </translation>
    </message>
    <message>
        <source>Removed %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::EntryDetails</name>
    <message>
        <source>&lt;p style=&apos;color:#666&apos;&gt;Select an entry to see its details.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canonical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Came from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Media type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manifest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform manifest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;i&gt;never&lt;/i&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Advisory epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;i&gt;none&lt;/i&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;i&gt;not staged&lt;/i&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blob</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h4 style=&apos;margin-bottom:2px&apos;&gt;Annotations&lt;/h4&gt;&lt;table&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;i&gt;unsigned (no signature check has passed)&lt;/i&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signature kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referrer of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h4 style=&apos;margin-bottom:2px&apos;&gt;Referrers&lt;/h4&gt;&lt;table&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::LifecycleDiagram</name>
    <message>
        <source>%1 to %2 is not a lifecycle transition: nothing follows %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to %2 is not a lifecycle transition; from %1 a bundle can go to %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::MainWindow</name>
    <message>
        <source>greentic-dist — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by digest, reference, type, media type or bundle state (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plain-file store (%1) was chosen with GREENTIC_DIST_CREDENTIAL_STORE=file; it is not encrypted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The OS keychain is the default; the plain-file store is used only when chosen explicitly (GREENTIC_DIST_CREDENTIAL_STORE=file or greentic-dist --credential-store file).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Bundles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Retention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pull…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy digest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> and more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source> — %n unreadable entries (run `greentic-dist cache gc`)</source>
        <translation>
            <numerusform> — %n unreadable entry (run `greentic-dist cache gc`)</numerusform>
            <numerusform> — %n unreadable entries (run `greentic-dist cache gc`)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 — refused: bundle is %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
… and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>

Not evicted:
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evict entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Evict %n entries and free %1?</source>
        <translation>
            <numerusform>Evict %n entry and free %1?</numerusform>
            <numerusform>Evict %n entries and free %1?</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the &amp;retention plan on the cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Retention plan shown: %n entries struck through would be evicted, freeing %1</source>
        <translation>
            <numerusform>Retention plan shown: %n entry struck through would be evicted, freeing %1</numerusform>
            <numerusform>Retention plan shown: %n entries struck through would be evicted, freeing %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel eviction</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Evicting %n entries…</source>
        <translation>
            <numerusform>Evicting %n entry…</numerusform>
            <numerusform>Evicting %n entries…</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Group by repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evic&amp;t selected…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cre&amp;dentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only entries that no signature check has passed for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>U&amp;nsigned only</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::PullDialog</name>
    <message>
        <source>&amp;Pull</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel pulls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pull artifacts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>oci://ghcr.io/org/component:1.0
./local.wasm
(one reference per line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>References:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pulling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fetched %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>already cached %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n pulls running</source>
        <translation>
            <numerusform>%n pull running</numerusform>
            <numerusform>%n pulls running</numerusform>
        </translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::RetentionModel</name>
    <message>
        <source>Decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::RetentionPage</name>
    <message>
        <source>&amp;Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Apply…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no age limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bundle:sha256:… (comma separated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache budget:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evict unused after:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep for rollback:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active bundles:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session bundles:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 entries: keep %2, evict %3 (%4), protect %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply retention</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Evict %n entries and free %1?</source>
        <translation>
            <numerusform>Evict %n entry and free %1?</numerusform>
            <numerusform>Evict %n entries and free %1?</numerusform>
        </translation>
    </message>
    <message>
        <source>
… and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop before the next entry; what is evicted stays evicted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1. Now %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1. Planning…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cance&amp;l</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::UsagePage</name>
    <message>
        <source>cap %1 (%2%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no cap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By type</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::UsageTreemap</name>
    <message>
        <source>Cache usage by repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The cache is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cap %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
%2 — %3
%4</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dist::gui::UsageWidget</name>
    <message numerus="yes">
        <source>%1 in %n entries</source>
        <translation>
            <numerusform>%1 in %n entry</numerusform>
            <numerusform>%1 in %n entries</numerusform>
        </translation>
    </message>
    <message>
        <source> of %1 (%2%)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
