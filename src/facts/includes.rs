//! Includes resolved through the page's sources: what each partial or included file contributes (its
//! listings, call-outs and names, computed once per file and memoised), attributed to the section of the
//! page that includes it. The files come through the [`Sources`]; nothing here opens one.

use super::*;

impl Gatherer<'_> {
    pub(super) fn includes(
        &self,
        page: &Page,
        location: Option<&Path>,
        params: &[(String, String)],
        stack: &mut Vec<PathBuf>,
        memo: &ContributionMemo,
        facts: &mut Facts,
    ) {
        let Some(location) = location else { return };
        for include in &page.includes {
            let Some(path) = resolve_include(self.policy, self.sources, location, include) else {
                continue;
            };
            // An include that closes a cycle is not followed (the run reports the cycle).
            if stack.contains(&path) || !self.sources.follows(location, &path) {
                continue;
            }
            let include_params: Vec<(String, String)> = match &include.target {
                IncludeTarget::Partial { params, .. } => params.clone(),
                IncludeTarget::File { .. } => params.to_vec(),
            };
            let part = match &include.target {
                IncludeTarget::File { part, .. } => Some(part.clone()),
                IncludeTarget::Partial { .. } => None,
            };
            // The depth is part of the key: deeper includes see fewer levels below them; so is whether
            // every unit is read, which changes what the file's facts hold.
            let contribution = memo.get_or_compute(
                (path, include_params, part, stack.len(), self.every_unit),
                |(path, params, part, _, _)| {
                    self.contribution(path, params, part.as_ref(), stack, memo)
                        .map(|contribution| contribution as Arc<dyn Any + Send + Sync>)
                },
            );
            let Some(contribution) =
                contribution.and_then(|contribution| contribution.downcast::<Contribution>().ok())
            else {
                continue;
            };
            if stack.is_empty()
                && let IncludeTarget::Partial { file, params, .. } = &include.target
                && !params.is_empty()
            {
                facts.rendered_partials.push(RenderedPartial {
                    include: include.range.clone(),
                    file: file.clone(),
                    page: Arc::clone(&contribution.page),
                    params: params.clone(),
                });
            }
            let section = page.section_at(include.range.start);
            facts
                .listings
                .extend(contribution.listings.iter().map(|listing| Listing {
                    section,
                    anchor: include.range.clone(),
                    ..listing.clone()
                }));
            facts
                .included_callouts
                .extend(contribution.readings.iter().map(|reading| IncludedCallout {
                    section,
                    include: include.range.clone(),
                    reading: reading.clone(),
                }));
            facts.named_products.extend(&contribution.named_products);
            facts.named_groups.extend(&contribution.named_groups);
        }
    }

    /// What the file at `path` (or `part` of it) brings to a page that includes it with `params`; `None`
    /// when it cannot be read.
    fn contribution(
        &self,
        path: &Path,
        params: &[(String, String)],
        part: Option<&FilePart>,
        stack: &mut Vec<PathBuf>,
        memo: &ContributionMemo,
    ) -> Option<Arc<Contribution>> {
        let dialect = self.policy.dialect_for(path);
        let file = self.sources.load(path, dialect)?;
        let partial = match part {
            Some(part) if *part != FilePart::Whole => {
                let keep = select_part(file.text(), part);
                let text = blank_outside(file.text(), keep);
                Arc::new(Page::parse(SourceText::new(path, text), dialect))
            }
            _ => Arc::clone(&file),
        };
        stack.push(path.to_path_buf());
        let inner = self.gather(&partial, Some(path), params, stack, memo);
        stack.pop();
        let carried = partial_placement::carried_callouts(&partial, &inner, self.policy);
        let part = part.cloned().unwrap_or(FilePart::Whole);
        Some(Arc::new(Contribution::of(
            inner,
            path,
            [&partial, &file],
            carried,
            part,
        )))
    }
}

/// What an included file brings to the page that includes it: its listings (with where they are in the
/// file), every call-out in it, and the products it names.
#[derive(Debug)]
struct Contribution {
    /// The included file (or the part of it included), as parsed.
    page: Arc<Page>,
    listings: Vec<Listing>,
    readings: Vec<CalloutReading>,
    named_products: Vec<ProductIndex>,
    named_groups: Vec<GroupIndex>,
}

impl Contribution {
    /// The contribution of a file whose own facts are `inner`. A listing or call-out the file includes
    /// several times (or through several paths) is kept once, so that a contribution is never larger
    /// than what the files below it hold, however often they are included.
    /// `carried` holds, for each of the file's listings, the policies whose call-out the file holds in the
    /// listing's section; `part` says how the file is included.
    fn of(
        inner: Facts,
        path: &Path,
        [partial, file]: [&Arc<Page>; 2],
        carried: Vec<Vec<usize>>,
        part: FilePart,
    ) -> Contribution {
        let mut listings: Vec<Listing> = Vec::new();
        let mut seen: HashMap<(ProductIndex, PathBuf, Range<usize>), usize> = HashMap::new();
        for (listing, carries) in inner.listings.into_iter().zip(carried) {
            let via = listing.via.clone().unwrap_or(IncludedListing {
                path: path.to_path_buf(),
                page: Arc::clone(partial),
                file: Arc::clone(file),
                anchor: listing.anchor.clone(),
                carries,
                part: part.clone(),
            });
            let key = (listing.product, via.path.clone(), via.anchor.clone());
            match seen.get(&key) {
                Some(&index) => {
                    let known = &mut listings[index].groups;
                    for group in listing.groups {
                        if !known.contains(&group) {
                            known.push(group);
                        }
                    }
                }
                None => {
                    seen.insert(key, listings.len());
                    listings.push(Listing {
                        via: Some(via),
                        ..listing
                    });
                }
            }
        }
        let mut readings: Vec<CalloutReading> = Vec::new();
        let mut seen_readings: HashSet<(String, String)> = HashSet::new();
        let all_readings = inner.callouts.into_iter().chain(
            inner
                .included_callouts
                .into_iter()
                .map(|included| included.reading),
        );
        for reading in all_readings {
            // Readings of one text are equal: their products and phrases follow from the two texts.
            if seen_readings.insert((reading.names.clone(), reading.prose.clone())) {
                readings.push(reading);
            }
        }
        Contribution {
            page: Arc::clone(partial),
            listings,
            readings,
            named_products: inner.named_products,
            named_groups: inner.named_groups,
        }
    }
}

/// Contributions computed once per run (or per page), held as `Any` by the source layer's memo.
pub(super) type ContributionMemo = Memo<ContributionKey, Option<Arc<dyn Any + Send + Sync>>>;
