//! insight errors at the edge: status and Norwegian message (see the module above).
