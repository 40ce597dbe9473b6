//! Sentence embeddings with the sentence-transformers model
//! all-MiniLM-L6-v2 (or any BERT checkpoint in the same layout), computed on
//! the CPU without a deep-learning framework.
//!
//! Lexical matching misses a rewrite that keeps the claim but changes the
//! words ("the remains of the dead soldiers" for "the bodies of the deceased
//! troops"); a sentence embedding places the two close together.
//!
//! The pipeline is sentence-transformers' own: uncased WordPiece truncated
//! to `max_seq_length` tokens, the BERT encoder, mean pooling over the
//! tokens, L2 normalization. The weights are not bundled: `scripts/fetch-model`
//! installs them where [`default_model_dir`] looks.

mod bert;
mod wordpiece;

use std::collections::HashMap;
use std::env;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use bert::{Bert, Config, Scratch};
use wordpiece::WordPiece;

/// Texts per unit of parallel work. Small enough that a few dozen sentences
/// keep every core busy, large enough (a few hundred packed tokens) that the
/// dense layers run as efficient matrix products. Fixed, so that the work
/// split, and with it every output bit, does not depend on the thread count.
const TEXTS_PER_BATCH: usize = 16;

/// sentence-transformers' default when a model has no
/// `sentence_bert_config.json`.
const DEFAULT_MAX_SEQ_LENGTH: usize = 256;

/// Where `scripts/fetch-model` installs the model, under the XDG data dir.
const MODEL_SUBDIR: &str = "wiretrace/all-MiniLM-L6-v2";

/// Errors name the file that is missing or wrong, as in [`crate::ingest`];
/// print them with `{}`.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl EmbedError {
    fn io(path: &Path, source: io::Error) -> EmbedError {
        let path = path.display().to_string();
        match source.kind() {
            io::ErrorKind::NotFound => EmbedError::NotFound { path },
            _ => EmbedError::Io { path, source },
        }
    }

    fn invalid(path: &Path, message: impl Into<String>) -> EmbedError {
        EmbedError::Invalid {
            path: path.display().to_string(),
            message: message.into(),
        }
    }
}

/// One text's vectors from [`Embedder::encode`].
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// Unit-length sentence embedding.
    pub sentence: Vec<f32>,
    /// Unit-length rows of [`Embedder::dim`] values, one per content token.
    pub content_tokens: Vec<f32>,
}

/// A loaded model: tokenizer and encoder weights (about 90 MB), shareable
/// across threads.
pub struct Embedder {
    tokenizer: WordPiece,
    /// Per token id: part of a content word (see [`Embedder::encode`]).
    content: Vec<bool>,
    bert: Bert,
    max_len: usize,
}

impl Embedder {
    /// Loads `config.json`, the vocabulary (`vocab.txt`, else
    /// `tokenizer.json`), `model.safetensors` and, if present,
    /// `sentence_bert_config.json` from `dir`.
    pub fn load(dir: &Path) -> Result<Embedder, EmbedError> {
        let config_path = dir.join("config.json");
        let config = Config::parse(&read(&config_path)?)
            .map_err(|message| EmbedError::invalid(&config_path, message))?;
        let tokenizer = load_vocab(dir, config.vocab_size())?;
        let max_len = max_seq_length(dir)?.min(config.max_position_embeddings);
        let weights_path = dir.join("model.safetensors");
        let bert = Bert::load(&config, &read(&weights_path)?)
            .map_err(|message| EmbedError::invalid(&weights_path, message))?;
        let content = tokenizer.content_flags(|word| {
            word.chars().all(char::is_alphanumeric) && !crate::shingle::stop_words().contains(word)
        });
        Ok(Embedder {
            content,
            tokenizer,
            bert,
            max_len,
        })
    }

    /// Unit-length embeddings, one per text, in order; the cosine similarity
    /// of two texts is the dot product of theirs. Any string is accepted
    /// (an empty one still gets an embedding); texts longer than the model's
    /// window (256 tokens, about 200 words) are cut to their beginning.
    ///
    /// The bytes depend only on the texts and their order, not on the
    /// number of rayon threads.
    pub fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        self.encode(texts).into_iter().map(|e| e.sentence).collect()
    }

    /// Like [`Embedder::embed`], with the contextual vectors of each text's
    /// content tokens: pieces of words that are not stop words, figures or
    /// punctuation, each normalized to unit length. Soft word alignment
    /// compares these, so "remains" can stand for "bodies" and "sent back"
    /// for "returned" while "the" and "of" say nothing.
    pub fn encode(&self, texts: &[&str]) -> Vec<Encoded> {
        let dim = self.dim();
        texts
            .par_chunks(TEXTS_PER_BATCH)
            .map_init(Scratch::default, |scratch, batch| {
                let sequences: Vec<Vec<u32>> = batch
                    .iter()
                    .map(|text| self.tokenizer.encode(text, self.max_len))
                    .collect();
                let mut flat = vec![0.0; sequences.len() * dim];
                let mut tokens = Vec::new();
                self.bert
                    .embed(&sequences, scratch, &mut flat, Some(&mut tokens));
                let mut rows = tokens.chunks_exact(dim);
                sequences
                    .iter()
                    .zip(flat.chunks_exact(dim))
                    .map(|(ids, sentence)| {
                        let mut content_tokens = Vec::new();
                        for (&id, row) in ids.iter().zip(rows.by_ref()) {
                            if self.content.get(id as usize).copied().unwrap_or(false) {
                                let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
                                content_tokens.extend(row.iter().map(|v| v / norm));
                            }
                        }
                        Encoded {
                            sentence: sentence.to_vec(),
                            content_tokens,
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .flatten_iter()
            .collect()
    }

    /// Length of every embedding (384 for all-MiniLM-L6-v2).
    pub fn dim(&self) -> usize {
        self.bert.hidden()
    }

    #[cfg(test)]
    fn token_ids(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text, self.max_len)
    }
}

/// `$WIRETRACE_MODEL` if set, else the directory `scripts/fetch-model`
/// installs to (`$XDG_DATA_HOME/wiretrace/all-MiniLM-L6-v2`, by default
/// under `~/.local/share`) if it holds a model. `None` means no model was
/// installed, which callers treat as "semantic matching unavailable".
pub fn default_model_dir() -> Option<PathBuf> {
    if let Some(dir) = env::var_os("WIRETRACE_MODEL").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let data = match env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        Some(data) => PathBuf::from(data),
        None => PathBuf::from(env::var_os("HOME")?).join(".local/share"),
    };
    let dir = data.join(MODEL_SUBDIR);
    dir.join("model.safetensors").is_file().then_some(dir)
}

fn read(path: &Path) -> Result<Vec<u8>, EmbedError> {
    fs::read(path).map_err(|err| EmbedError::io(path, err))
}

/// `vocab.txt` is one token per line, its id the line number; the same
/// vocabulary sits in `tokenizer.json` for models that ship only that.
fn load_vocab(dir: &Path, vocab_size: usize) -> Result<WordPiece, EmbedError> {
    let txt = dir.join("vocab.txt");
    let (path, tokenizer) = match fs::read_to_string(&txt) {
        Ok(text) => {
            let tokens = text.lines().zip(0..);
            (txt, WordPiece::new(tokens))
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            #[derive(Deserialize)]
            struct TokenizerJson {
                model: Model,
            }
            #[derive(Deserialize)]
            struct Model {
                vocab: HashMap<String, u32>,
            }
            let json = dir.join("tokenizer.json");
            let parsed: TokenizerJson = serde_json::from_slice(&read(&json)?)
                .map_err(|err| EmbedError::invalid(&json, err.to_string()))?;
            let tokens = parsed.model.vocab.iter().map(|(t, &id)| (t.as_str(), id));
            (json, WordPiece::new(tokens))
        }
        Err(err) => return Err(EmbedError::io(&txt, err)),
    };
    let tokenizer = tokenizer.map_err(|message| EmbedError::invalid(&path, message))?;
    // An id past the embedding table would index out of bounds in the
    // forward pass; refuse the mismatch here, where the file can be named.
    if tokenizer.max_id() as usize >= vocab_size {
        return Err(EmbedError::invalid(
            &path,
            format!(
                "token id {} is beyond the model's vocab_size {vocab_size}",
                tokenizer.max_id()
            ),
        ));
    }
    Ok(tokenizer)
}

fn max_seq_length(dir: &Path) -> Result<usize, EmbedError> {
    #[derive(Deserialize)]
    struct SentenceBertConfig {
        max_seq_length: usize,
    }
    let path = dir.join("sentence_bert_config.json");
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice::<SentenceBertConfig>(&bytes)
            .map(|c| c.max_seq_length)
            .map_err(|err| EmbedError::invalid(&path, err.to_string())),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(DEFAULT_MAX_SEQ_LENGTH),
        Err(err) => Err(EmbedError::io(&path, err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// Loaded once for all tests: loading reads 90 MB.
    fn model() -> Option<&'static Embedder> {
        static MODEL: OnceLock<Option<Embedder>> = OnceLock::new();
        MODEL
            .get_or_init(|| {
                let dir = default_model_dir()?;
                Some(Embedder::load(&dir).unwrap_or_else(|err| panic!("{err}")))
            })
            .as_ref()
            .or_else(|| {
                eprintln!("skipped: no model (run scripts/fetch-model or set WIRETRACE_MODEL)");
                None
            })
    }

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn token_ids_match_hugging_face_tokenizers() {
        let Some(model) = model() else { return };
        // Ids from `tokenizers` 0.23.3, Tokenizer.from_file("tokenizer.json").
        let cases: &[(&str, &[u32])] = &[
            ("", &[101, 102]),
            (
                "The U.S. said Mr. Kim's troops were in Russia.",
                &[
                    101, 1996, 1057, 1012, 1055, 1012, 2056, 2720, 1012, 5035, 1005, 1055, 3629,
                    2020, 1999, 3607, 1012, 102,
                ],
            ),
            (
                "At least 600 dead, officials said.",
                &[101, 2012, 2560, 5174, 2757, 1010, 4584, 2056, 1012, 102],
            ),
            (
                "\u{201C}We will not retreat,\u{201D} he said \u{2014} twice.",
                &[
                    101, 1523, 2057, 2097, 2025, 7822, 1010, 1524, 2002, 2056, 1517, 3807, 1012,
                    102,
                ],
            ),
            (
                "Pyongyang's Caf\u{E9} serves cr\u{E8}me br\u{FB}l\u{E9}e na\u{EF}vely.",
                &[
                    101, 1052, 14001, 6292, 5654, 1005, 1055, 7668, 4240, 13675, 21382, 7987,
                    9307, 2063, 15743, 2135, 1012, 102,
                ],
            ),
            (
                "Revenue rose to $4,123.45 (up 12.5%) in Q3.",
                &[
                    101, 6599, 3123, 2000, 1002, 1018, 1010, 13138, 1012, 3429, 1006, 2039, 2260,
                    1012, 1019, 1003, 1007, 1999, 1053, 2509, 1012, 102,
                ],
            ),
            (
                "\u{5317}\u{671D}\u{9BAE}\u{5411}\u{4FC4}\u{7F85}\u{65AF}\u{6D3E}\u{9063}\u{4E86}\u{58EB}\u{5175}\u{3002}",
                &[
                    101, 1781, 1874, 100, 100, 100, 100, 100, 100, 100, 100, 1807, 100, 1636, 102,
                ],
            ),
            (
                "Kim Jong Un \u{1F600}\u{1F1F0}\u{1F1F7} \u{1F972} \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
                &[101, 5035, 18528, 4895, 100, 100, 100, 102],
            ),
            ("a\0b\u{FFFD}c\u{200B}d", &[101, 5925, 2094, 102]),
            (
                "\u{130}stanbul \u{C5}ngstr\u{F6}m \u{1E9E} STRASSE \u{DF}",
                &[101, 9960, 17076, 15687, 1096, 2358, 8180, 3366, 1096, 102],
            ),
            (
                "[CLS] literal [SEP] and [MASK] tokens",
                &[101, 101, 18204, 102, 1998, 103, 19204, 2015, 102],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(model.token_ids(text), *want, "{text}");
        }
    }

    #[test]
    fn paraphrases_are_closer_than_unrelated_sentences() {
        let Some(model) = model() else { return };
        let e = model.embed(&[
            "The bodies of the deceased troops were returned home.",
            "The remains of the dead soldiers were sent back.",
            "Stock markets rose sharply on Tuesday.",
        ]);
        let (paraphrase, unrelated) = (cosine(&e[0], &e[1]), cosine(&e[0], &e[2]));
        eprintln!("paraphrase {paraphrase:.4}, unrelated {unrelated:.4}");
        assert!(
            paraphrase > 0.6 && unrelated < 0.2,
            "{paraphrase} {unrelated}"
        );
    }

    #[test]
    fn embeddings_are_unit_length_for_any_input() {
        let Some(model) = model() else { return };
        let long = "word ".repeat(100_000);
        let texts = [
            "",
            "\0",
            "😀🇰🇷",
            "שלום עולם",
            "\u{301}\u{FFFD}",
            long.as_str(),
        ];
        let e = model.embed(&texts);
        assert_eq!(e.len(), texts.len());
        for v in &e {
            assert_eq!(v.len(), model.dim());
            assert!((cosine(v, v) - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn an_embedding_does_not_depend_on_its_batch_or_thread_count() {
        let Some(model) = model() else { return };
        let texts: Vec<String> = (0..40)
            .map(|i| format!("Sentence number {i} has {} words in it.", i % 7))
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let all = model.embed(&texts);
        let alone = model.embed(&texts[17..18]);
        assert_eq!(alone[0], all[17]);
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| model.embed(&texts));
        assert_eq!(one_thread, all);
    }

    #[test]
    fn load_names_the_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = Embedder::load(dir.path()).err().unwrap();
        assert!(matches!(&err, EmbedError::NotFound { path } if path.ends_with("config.json")));
    }
}
