// Word frequencies in Rust: N pseudo-random words (String, HashMap, Vec, sort, format!),
// the ten most frequent printed with their counts. Usage: wordfreq N
use std::collections::HashMap;

const SYLLABLES: [&str; 12] = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "qu", "ba", "do"];

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let mut x: u32 = 0x9e3779b9;
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut total_len = 0usize;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let parts = 1 + (x % 3) as usize;
        let mut word = String::new();
        for k in 0..parts {
            word.push_str(SYLLABLES[((x >> (4 * k + 2)) % 12) as usize]);
        }
        total_len += word.len();
        *counts.entry(word).or_insert(0) += 1;
    }
    let mut ranked: Vec<(&String, &usize)> = counts.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (word, count) in ranked.iter().take(10) {
        println!("{:>8} {}", word, count);
    }
    println!("wordfreq n={}: {} distinct words, {} letters", n, counts.len(), total_len);
}
