//! Client-side NCR API Gateway signature v2, written from the vendor note only (independent of the server verifier).
